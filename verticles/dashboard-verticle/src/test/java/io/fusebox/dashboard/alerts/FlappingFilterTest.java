package io.fusebox.dashboard.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlappingFilterTest {

  private static Alert open(String breaker, long at) {
    return new Alert(Alert.Kind.OPEN, breaker, "n", "closed", "open", null, at, null, null, 1, null);
  }

  @Test
  void transitionsFurtherApartThanTheWindowNeverMakeABreakerFlap() {
    FlappingFilter filter = new FlappingFilter(3, 1_000);
    for (int i = 0; i < 20; i++) {
      assertThat(filter.onTransition(open("slow", i * 600L))).as("transition %d", i).isNotNull()
          .extracting(Alert::kind).isEqualTo(Alert.Kind.OPEN);
    }
    assertThat(filter.isFlapping("slow")).isFalse();
  }

  @Test
  void aFlappingBreakerEndsOnlyAfterAStillWindow() {
    FlappingFilter filter = new FlappingFilter(3, 1_000);
    filter.onTransition(open("busy", 0));
    filter.onTransition(open("busy", 100));
    assertThat(filter.onTransition(open("busy", 200)).kind()).isEqualTo(Alert.Kind.FLAPPING);
    assertThat(filter.onTransition(open("busy", 900))).isNull();
    assertThat(filter.stillSince("busy", 1_500)).as("still for 600 ms only").isNull();
    Alert ended = filter.stillSince("busy", 1_900);
    assertThat(ended.kind()).isEqualTo(Alert.Kind.FLAPPING_ENDED);
    assertThat(ended.count()).isEqualTo(4);
    assertThat(filter.onTransition(open("busy", 2_000)).kind()).as("alerted again once still").isEqualTo(Alert.Kind.OPEN);
  }

  @Test
  void breakersQuietForAWindowAreForgotten() {
    FlappingFilter filter = new FlappingFilter(3, 1_000);
    for (int i = 0; i < 10_000; i++) {
      filter.onTransition(open("b" + i, 0));
    }
    filter.onTransition(open("late", 5_000));
    filter.onTransition(open("later", 5_000));
    assertThat(filter.known()).isLessThanOrEqualTo(64);
  }
}
