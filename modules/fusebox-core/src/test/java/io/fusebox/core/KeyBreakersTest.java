package io.fusebox.core;

import static io.fusebox.core.Breakers.FAST;
import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breakers of a keyed family: small, on shared rules, judging as any breaker does. */
class KeyBreakersTest {

  private final ManualClock clock = new ManualClock();
  private final List<Transition> heard = new ArrayList<>();

  @Test
  void aKeysBreakerIsNamedByItsKeyAndTellsTheFamilysOneListener() {
    KeyBreakers breakers = new KeyBreakers(Breakers.quiet().consecutiveFailures(3).build(), clock, heard::add);
    CircuitBreaker acme = breakers.newBreaker("acme");
    CircuitBreaker globex = breakers.newBreaker("globex");

    fail(acme, 3);
    succeed(globex, 10);

    assertThat(acme.state()).isEqualTo(BreakerState.OPEN);
    assertThat(globex.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(heard).singleElement().satisfies(t -> {
      assertThat(t.breaker()).isEqualTo("acme");
      assertThat(t.to()).isEqualTo(BreakerState.OPEN);
    });
  }

  @Test
  void aKeysBreakerBacksOffAndProbesAsAnyBreakerDoes() {
    KeyBreakers breakers = new KeyBreakers(Breakers.quiet().consecutiveFailures(2)
        .openTimeout(Duration.ofSeconds(10)).jitter(0.0).permittedProbes(1).successThreshold(1).build(), clock, heard::add);
    CircuitBreaker key = breakers.newBreaker("k");
    fail(key, 2);
    clock.advance(Duration.ofSeconds(10));
    key.onFailure(admitted(key), FAST);

    assertThat(key.state()).isEqualTo(BreakerState.OPEN);
    assertThat(key.snapshot().backoffLevel()).as("a failed probe backs off one level").isEqualTo(1);
    clock.advance(Duration.ofSeconds(20));
    key.onSuccess(admitted(key), FAST);
    assertThat(key.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(key.snapshot().backoffLevel()).isZero();
  }

  @Test
  void aKeysBreakerKeepsNoCountsOrLatenciesForTheFamilyCountsItsCalls() {
    CircuitBreaker key = new KeyBreakers(Breakers.quiet().build(), clock, heard::add).newBreaker("k");
    succeed(key, 5);
    fail(key, 2);

    BreakerSnapshot s = key.snapshot();
    assertThat(s.successCalls()).isZero();
    assertThat(s.failureCalls()).isZero();
    assertThat(s.p99Millis()).isZero();
    assertThat(s.windowCalls()).as("its window judges all the same").isEqualTo(7);
  }

  @Test
  void aKeysSixtySecondWindowForgetsTenSecondsAtATime() {
    BreakerConfig config = Breakers.quiet().timeWindow(Duration.ofSeconds(60)).build();
    CircuitBreaker key = new KeyBreakers(config, clock, heard::add).newBreaker("k");
    CircuitBreaker alone = new CircuitBreaker("alone", config, clock);
    clock.advance(Duration.ofMillis(9_500));
    fail(key, 4);
    fail(alone, 4);

    clock.advance(Duration.ofMillis(50_000));
    assertThat(key.snapshot().windowCalls()).as("the 10 s bucket of its calls has not passed yet").isEqualTo(4);
    assertThat(alone.snapshot().windowCalls()).isEqualTo(4);
    clock.advance(Duration.ofMillis(500));
    assertThat(key.snapshot().windowCalls()).as("60 s after its bucket began, the bucket goes whole").isZero();
    assertThat(alone.snapshot().windowCalls()).as("a breaker's own window forgets a second at a time").isEqualTo(4);
    clock.advance(Duration.ofSeconds(9));
    assertThat(alone.snapshot().windowCalls()).isZero();
  }
}
