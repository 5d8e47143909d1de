package io.fusebox.breaker;

import io.fusebox.core.BreakerState;
import io.fusebox.protocol.Headers;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.EnumMap;
import java.util.Map;

/**
 * The delivery options of a successful reply, one per breaker state, built once: the headers of
 * every success differ only by state, and building them per call was a tenth of the breaker path.
 * The headers are read-only, so that an interceptor cannot change what later replies carry; the
 * event bus copies them into each message it delivers.
 */
final class SuccessReplies {

  private static final Map<BreakerState, DeliveryOptions> BY_STATE = new EnumMap<>(BreakerState.class);

  static {
    for (BreakerState state : BreakerState.values()) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap()
          .add(Headers.OUTCOME, Headers.OUTCOME_SUCCESS)
          .add(Headers.STATE, state.wireName());
      BY_STATE.put(state, new DeliveryOptions().setHeaders(headers.copy(false)));
    }
  }

  private SuccessReplies() {
  }

  static DeliveryOptions in(BreakerState state) {
    return BY_STATE.get(state);
  }
}
