package io.fusebox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers that make breaker tests read like the behaviour they check. */
final class Breakers {

  static final long FAST = Duration.ofMillis(5).toNanos();
  static final long SLOW = Duration.ofSeconds(6).toNanos();

  private Breakers() {
  }

  /** Only the detector under test; the others are off unless the test turns them on. */
  static BreakerConfigBuilder quiet() {
    return BreakerConfig.builder()
        .consecutiveFailuresEnabled(false)
        .failureRateEnabled(false)
        .slowCallsEnabled(false)
        .countWindow(100)
        .openTimeout(Duration.ofSeconds(30));
  }

  static void succeed(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.onSuccess(admitted(b), FAST);
    }
  }

  static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.onFailure(admitted(b), FAST);
    }
  }

  static void succeedSlowly(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.onSuccess(admitted(b), SLOW);
    }
  }

  static long admitted(CircuitBreaker b) {
    long permit = b.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      throw new AssertionError("call to " + b.name() + " was rejected in state " + b.state());
    }
    return permit;
  }

  static List<Transition> record(CircuitBreaker b) {
    List<Transition> transitions = new ArrayList<>();
    b.addListener(transitions::add);
    return transitions;
  }
}
