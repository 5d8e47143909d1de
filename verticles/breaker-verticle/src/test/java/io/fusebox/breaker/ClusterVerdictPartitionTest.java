package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A partition as one side's instance sees it: the far side's reports stop. Under
 * {@code quorum_ratio: 0.5} of five instances, the two on this side, both open, are no quorum; a
 * ratio of the instances heard lately would have made them one.
 */
class ClusterVerdictPartitionTest {

  private static final long TTL_MILLIS = 100;
  private static final List<String> FAR_SIDE = List.of("n3", "n4", "n5");

  private final ClusterVerdict verdict = new ClusterVerdict("n1",
      new FuseboxConfig.Verdict(0, 0.5, Duration.ofMillis(1_500)), TTL_MILLIS);

  private void hearNearSide(boolean open) {
    verdict.hear("n1", open);
    verdict.hear("n2", open);
  }

  @Test
  void twoOfFiveCutOffFromTheRestAreNoQuorumUntilTheOthersAreForgotten() {
    hearNearSide(false);
    FAR_SIDE.forEach(node -> verdict.hear(node, false));
    assertThat(verdict.needed()).isEqualTo(3);

    // the partition: only this side is heard from, and both of its instances open
    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> {
      hearNearSide(true);
      return verdict.live() == 2;
    });
    assertThat(verdict.open()).isEqualTo(2);
    assertThat(verdict.known()).as("the far side still counts").isEqualTo(5);
    assertThat(verdict.reached()).as("two of five on this side's word").isFalse();
    assertThat(verdict.reason()).isEqualTo("quorum 2/5 open");

    // healed: the far side reports again and one of it is open too; the verdict is the same on both sides
    FAR_SIDE.forEach(node -> verdict.hear(node, node.equals("n3")));
    assertThat(verdict.reached()).isTrue();
    assertThat(verdict.reason()).isEqualTo("quorum 3/5 open");
  }

  @Test
  void aSideCutOffLongerThanForgetAfterJudgesByItselfAsAShrunkClusterWould() {
    hearNearSide(true);
    FAR_SIDE.forEach(node -> verdict.hear(node, false));
    assertThat(verdict.reached()).isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
      hearNearSide(true);
      return verdict.known() == 2;
    });
    assertThat(verdict.reached()).as("after forget_after, the nodes gone count no more").isTrue();
  }

  @Test
  void anAbsoluteQuorumCountsOnlyInstancesHeardLately() {
    ClusterVerdict quorumOfThree = new ClusterVerdict("n1", new FuseboxConfig.Verdict(3, 0), TTL_MILLIS);
    quorumOfThree.hear("n1", true);
    quorumOfThree.hear("n2", true);
    quorumOfThree.hear("n3", true);
    assertThat(quorumOfThree.reached()).isTrue();
    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> {
      quorumOfThree.hear("n1", true);
      quorumOfThree.hear("n2", true);
      return quorumOfThree.open() == 2;
    });
    assertThat(quorumOfThree.reached()).as("n3's open report expired with the partition").isFalse();
  }
}
