package io.fusebox.core;

import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.quiet;
import static io.fusebox.core.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminAndListenersTest {

  private final ManualClock clock = new ManualClock();
  private final CircuitBreaker breaker = new CircuitBreaker("search", quiet().consecutiveFailures(3).build(), clock);

  @Test
  void forcedOpenRejectsEverythingUntilClosed() {
    breaker.forceOpen();
    clock.advance(java.time.Duration.ofDays(1));
    breaker.tick();
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
    assertThat(breaker.state()).isEqualTo(BreakerState.FORCED_OPEN);
    breaker.close();
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    admitted(breaker);
  }

  @Test
  void disabledAdmitsEverythingKeepsCountingAndNeverTrips() {
    breaker.disable();
    fail(breaker, 100);
    assertThat(breaker.state()).isEqualTo(BreakerState.DISABLED);
    BreakerSnapshot s = breaker.snapshot();
    assertThat(s.failureCalls()).isEqualTo(100);
    assertThat(s.failureRate()).isEqualTo(1.0);
    breaker.close();
    assertThat(breaker.snapshot().windowCalls()).as("close starts a fresh window").isZero();
    fail(breaker, 3);
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void closeEndsAnOpenBreakerAtOnce() {
    fail(breaker, 3);
    breaker.close();
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    fail(breaker, 2);
    assertThat(breaker.state()).as("the failure run started over").isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void resetClearsCountsWindowAndBackoff() {
    succeed(breaker, 4);
    fail(breaker, 3);
    breaker.reset();
    BreakerSnapshot s = breaker.snapshot();
    assertThat(s.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(s.successCalls() + s.failureCalls() + s.rejectedCalls()).isZero();
    assertThat(s.windowCalls()).isZero();
    assertThat(s.backoffLevel()).isZero();
    assertThat(s.p99Millis()).isZero();
  }

  @Test
  void anAdministratorCanMoveTheBreakerToAnyState() {
    for (BreakerState target : BreakerState.values()) {
      CircuitBreaker b = new CircuitBreaker("any", quiet().build(), clock);
      b.transitionTo(BreakerState.FORCED_OPEN, "admin:force_open");
      b.transitionTo(target, "admin:" + target.wireName());
      assertThat(b.state()).isEqualTo(target);
    }
  }

  @Test
  void listenersHearEveryTransitionInOrderAndOneThatThrowsStopsNobody() {
    List<String> heard = new ArrayList<>();
    breaker.addListener(t -> heard.add("first " + t.from().wireName() + "->" + t.to().wireName()));
    breaker.addListener(t -> {
      throw new IllegalStateException("a broken listener");
    });
    breaker.addListener(t -> heard.add("third " + t.reason() + " at " + t.atEpochMillis()));
    fail(breaker, 3);
    breaker.forceOpen();
    assertThat(heard).containsExactly(
        "first closed->open",
        "third consecutive_failures 3>=3 at " + clock.epochMillis(),
        "first open->forced_open",
        "third admin:force_open at " + clock.epochMillis());
    assertThat(breaker.state()).isEqualTo(BreakerState.FORCED_OPEN);
  }

  @Test
  void noTransitionIsReportedWhenTheStateDoesNotChange() {
    List<Transition> transitions = Breakers.record(breaker);
    breaker.close();
    breaker.reset();
    assertThat(transitions).isEmpty();
  }

  @Test
  void restoreKeepsAnOpenBreakerOpenForItsRemainingTime() {
    List<Transition> transitions = Breakers.record(breaker);
    breaker.restore(BreakerState.OPEN, 1234L, java.time.Duration.ofSeconds(12).toNanos(), 2);
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
    assertThat(breaker.retryAfterMillis()).isEqualTo(12_000);
    BreakerSnapshot s = breaker.snapshot();
    assertThat(s.sinceEpochMillis()).isEqualTo(1234L);
    assertThat(s.backoffLevel()).isEqualTo(2);
    assertThat(transitions).isEmpty();
  }
}
