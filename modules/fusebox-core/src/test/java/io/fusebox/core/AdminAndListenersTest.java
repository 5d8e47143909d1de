package io.fusebox.core;

import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.quiet;
import static io.fusebox.core.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminAndListenersTest {

  private final ManualClock clock = new ManualClock();
  private final CircuitBreaker breaker = new CircuitBreaker("search", quiet().consecutiveFailures(3).build(), clock);

  @Test
  void forcedOpenRejectsEverythingUntilClosed() {
    breaker.forceOpen();
    clock.advance(Duration.ofDays(1));
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
  void manualTransitionsFollowTheAllowedTable() {
    for (BreakerState from : BreakerState.values()) {
      for (BreakerState to : BreakerState.values()) {
        CircuitBreaker b = breakerIn(from);
        boolean allowed = switch (to) {
          case CLOSED, FORCED_OPEN, DISABLED -> true;
          case OPEN -> from == BreakerState.CLOSED || from == BreakerState.HALF_OPEN || from == BreakerState.OPEN;
          case HALF_OPEN -> from == BreakerState.OPEN || from == BreakerState.HALF_OPEN;
        };
        List<Transition> heard = Breakers.record(b);
        if (allowed) {
          b.transitionTo(to, "verdict");
          assertThat(b.state()).as(from + " -> " + to).isEqualTo(to);
        } else {
          assertThatThrownBy(() -> b.transitionTo(to, "verdict")).as(from + " -> " + to)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("from " + from.wireName() + " to " + to.wireName());
          assertThat(b.state()).as("a refused move changes nothing").isEqualTo(from);
          assertThat(heard).as("and tells no listener").isEmpty();
        }
      }
    }
  }

  @Test
  void everyTransitionNamesItsCause() {
    CircuitBreaker b = new CircuitBreaker("causes", quiet().consecutiveFailures(1).successThreshold(1)
        .openTimeout(Duration.ofSeconds(1)).build(), clock);
    List<Transition> heard = Breakers.record(b);
    fail(b, 1);
    clock.advance(Duration.ofSeconds(1));
    b.tick();
    fail(b, 1);
    clock.advance(Duration.ofSeconds(2));
    b.tick();
    succeed(b, 1);
    b.transitionTo(BreakerState.OPEN, "quorum 2/3 open");
    b.forceOpen();
    assertThat(heard).extracting(Transition::cause).containsExactly(TransitionCause.TRIPPED,
        TransitionCause.OPEN_TIMEOUT_ELAPSED, TransitionCause.PROBE_FAILED, TransitionCause.OPEN_TIMEOUT_ELAPSED,
        TransitionCause.PROBES_SUCCEEDED, TransitionCause.REQUESTED, TransitionCause.ADMIN);
  }

  @Test
  void halfOpenIsNeverEnteredFromClosed() {
    List<Transition> heard = Breakers.record(breaker);
    assertThatThrownBy(() -> breaker.transitionTo(BreakerState.HALF_OPEN, "admin"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("breaker search cannot move from closed to half_open (admin)");
    assertThat(heard).isEmpty();
    admitted(breaker);
  }

  @Test
  void aCallAdmittedBeforeAResetChangesNothingAfterIt() {
    long p1 = admitted(breaker);
    long p2 = admitted(breaker);
    long p3 = admitted(breaker);
    breaker.reset();
    breaker.onFailure(p1, Breakers.FAST);
    breaker.onTimeout(p2, Breakers.FAST);
    breaker.onSuccess(p3, Breakers.FAST);
    BreakerSnapshot s = breaker.snapshot();
    assertThat(s.state()).as("three failures from before the reset do not trip").isEqualTo(BreakerState.CLOSED);
    assertThat(s.windowCalls()).isZero();
    assertThat(s.successCalls() + s.failureCalls() + s.timeoutCalls()).as("nor are they counted").isZero();
    fail(breaker, 3);
    assertThat(breaker.state()).as("calls admitted after the reset count").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void aProbeAdmittedBeforeAResetCannotCloseOrReopenTheNextPeriod() {
    CircuitBreaker b = new CircuitBreaker("probe-reset", quiet().consecutiveFailures(1).successThreshold(1)
        .openTimeout(Duration.ofSeconds(1)).build(), clock);
    fail(b, 1);
    clock.advance(Duration.ofSeconds(1));
    long probe = admitted(b);
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    b.reset();
    b.forceOpen();
    b.onSuccess(probe, Breakers.FAST);
    assertThat(b.state()).isEqualTo(BreakerState.FORCED_OPEN);
  }

  private CircuitBreaker breakerIn(BreakerState state) {
    CircuitBreaker b = new CircuitBreaker("table", quiet().consecutiveFailures(1)
        .openTimeout(Duration.ofSeconds(1)).build(), clock);
    switch (state) {
      case CLOSED -> { }
      case OPEN -> fail(b, 1);
      case HALF_OPEN -> {
        fail(b, 1);
        clock.advance(Duration.ofSeconds(1));
        b.tick();
      }
      case FORCED_OPEN -> b.forceOpen();
      case DISABLED -> b.disable();
    }
    assertThat(b.state()).isEqualTo(state);
    return b;
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
    breaker.restore(BreakerState.OPEN, 1234L, Duration.ofSeconds(12).toNanos(), 2);
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
    assertThat(breaker.retryAfterMillis()).isEqualTo(12_000);
    BreakerSnapshot s = breaker.snapshot();
    assertThat(s.sinceEpochMillis()).isEqualTo(1234L);
    assertThat(s.backoffLevel()).isEqualTo(2);
    assertThat(transitions).isEmpty();
  }
}
