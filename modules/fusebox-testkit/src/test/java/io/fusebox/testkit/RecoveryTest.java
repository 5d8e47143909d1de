package io.fusebox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecoveryTest {

  /** 40 a second is 10 a bucket; 95% of it is 9.5. */
  private static final double PER_SECOND = 40;

  @Test
  void goodputIsBackAtTheFirstOfFourFullBucketsInARow() {
    Recovery recovery = new Recovery(1_000, Duration.ofSeconds(3));
    long[] perBucket = {0, 10, 10, 9, 10, 10, 10, 10, 0};
    for (int i = 0; i < perBucket.length; i++) {
      recovery.add(i, perBucket[i]);
    }
    assertThat(recovery.millis(PER_SECOND)).as("a bucket of 9 breaks the first run").isEqualTo(4 * 250);
  }

  @Test
  void successesAreCountedInTheBucketOfTheirAnswerAndNeverBeforeTheRecovery() {
    long up = 5_000_000_000L;
    Recovery recovery = new Recovery(up, Duration.ofSeconds(2));
    for (int bucket = 2; bucket < 6; bucket++) {
      for (int n = 0; n < 10; n++) {
        recovery.success(up + bucket * Recovery.BUCKET_NANOS + n);
      }
    }
    for (int n = 0; n < 100; n++) {
      recovery.success(up - 1);
    }
    recovery.success(up + 60 * Recovery.BUCKET_NANOS);
    assertThat(recovery.buckets()).isEqualTo(9);
    assertThat(recovery.millis(PER_SECOND)).isEqualTo(500);
    assertThat(new Recovery(up, Duration.ofSeconds(2)).millis(PER_SECOND)).as("never back").isEqualTo(-1);
  }
}
