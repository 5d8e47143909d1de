package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Priority;
import org.junit.jupiter.api.Test;

/** Which waiting call a full bulkhead starts first, and which it pushes out. */
class PriorityQueueingTest {

  private static Call call(Priority priority) {
    Call call = new Call(null, null, null, 0, Long.MAX_VALUE, false);
    call.priority = priority;
    return call;
  }

  private static Bulkhead bulkhead(int limit, int queue, BreakerConfig.Shares shares) {
    return new Bulkhead(BreakerConfig.builder().maxConcurrentCalls(limit).maxWaitQueue(queue).shares(shares).build(), 0);
  }

  @Test
  void aFullQueuePushesOutTheNewestSheddableCallForACriticalOne() {
    Bulkhead b = bulkhead(1, 2, new BreakerConfig.Shares(0, 0, 0));
    b.occupy(call(Priority.NORMAL));
    Call older = call(Priority.SHEDDABLE);
    Call newer = call(Priority.SHEDDABLE);
    assertThat(b.enqueue(older)).isNull();
    assertThat(b.enqueue(newer)).isNull();
    Call critical = call(Priority.CRITICAL);

    assertThat(b.enqueue(critical)).as("pushed out").isSameAs(newer);
    assertThat(b.enqueue(call(Priority.SHEDDABLE))).as("a sheddable call finds no room among its betters")
        .extracting(c -> c.priority).isEqualTo(Priority.SHEDDABLE);
    assertThat(b.waiting()).isEqualTo(2);
  }

  @Test
  void aFreedSlotGoesToTheMostImportantWaitingCallThenInArrivalOrder() {
    Bulkhead b = bulkhead(1, 10, new BreakerConfig.Shares(0, 0, 0));
    Call running = call(Priority.NORMAL);
    b.occupy(running);
    Call sheddable = call(Priority.SHEDDABLE);
    Call normal1 = call(Priority.NORMAL);
    Call normal2 = call(Priority.NORMAL);
    Call critical = call(Priority.CRITICAL);
    for (Call c : new Call[] {sheddable, normal1, normal2, critical}) {
      b.enqueue(c);
    }
    assertThat(b.next()).as("no slot free yet").isNull();
    Call[] order = new Call[4];
    b.free(running, false, 0);
    for (int i = 0; i < 4; i++) {
      order[i] = b.next();
      b.occupy(order[i]);
      b.free(order[i], false, 0);
    }
    assertThat(order).containsExactly(critical, normal1, normal2, sheddable);
    assertThat(b.idle()).isTrue();
  }

  @Test
  void aPriorityBelowItsGuaranteedShareGoesBeforeMoreImportantOnesAboveTheirs() {
    // of a limit of 10, sheddable calls are guaranteed 2; critical calls already hold 9 slots
    Bulkhead b = bulkhead(10, 10, new BreakerConfig.Shares(0.5, 0.3, 0.2));
    for (int i = 0; i < 9; i++) {
      b.occupy(call(Priority.CRITICAL));
    }
    Call last = call(Priority.CRITICAL);
    b.occupy(last);
    Call critical = call(Priority.CRITICAL);
    Call sheddable = call(Priority.SHEDDABLE);
    b.enqueue(critical);
    b.enqueue(sheddable);
    b.free(last, false, 0);

    assertThat(b.next()).as("sheddable, with none of its 2 slots, before critical with 9 of its 5").isSameAs(sheddable);
  }
}
