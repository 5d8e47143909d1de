package io.fusebox.core;

/**
 * The throttling state between closed and open: once the failure share of the calls that reached
 * the dependency in the last {@code window} passes {@code threshold}, a call is refused with a
 * probability that rises with it, so that a brownout degrades gradually instead of flapping between
 * all calls and none. The probability is the SRE book's adaptive throttling,
 * {@code max(0, (requests − K·accepts) / (requests + 1))} with {@code K = 1 / (1 − threshold)},
 * over the calls the dependency was asked (not those refused here): counting the refused ones too,
 * as the book's client does, against a dependency whose failure share does not fall with its load
 * settles either at no throttling or at refusing nearly everything, the flapping this avoids. Here
 * the share refused is {@code (failure − threshold) / (1 − threshold)}: none at the threshold, all
 * at total failure. Counted in one-second buckets; owned by one thread, which passes the time.
 */
public final class Throttle {

  private final double k;
  private final int minimumCalls;
  private final int seconds;
  private final long[] requests;
  private final long[] accepts;
  private long requestSum;
  private long acceptSum;
  private long currentSecond;

  /**
   * @param threshold the failure share, in (0, 1), from which calls are refused
   * @param minimumCalls calls the window must hold before it refuses any
   */
  public Throttle(double threshold, int minimumCalls, int windowSeconds, long now) {
    this.k = 1.0 / (1.0 - threshold);
    this.minimumCalls = minimumCalls;
    this.seconds = windowSeconds;
    this.requests = new long[windowSeconds];
    this.accepts = new long[windowSeconds];
    this.currentSecond = now / 1_000_000_000L;
  }

  /** A call reached the dependency; {@code accepted}: it succeeded. */
  public void record(boolean accepted, long now) {
    int at = rotate(now);
    requests[at]++;
    requestSum++;
    if (accepted) {
      accepts[at]++;
      acceptSum++;
    }
  }

  /** The probability that a call is refused now; 0 below the threshold or the minimum of calls. */
  public double refusal(long now) {
    rotate(now);
    if (requestSum < minimumCalls) {
      return 0;
    }
    return Math.max(0, (requestSum - k * acceptSum) / (requestSum + 1));
  }

  /** The failure share of the window's calls. */
  public double failureRate(long now) {
    rotate(now);
    return requestSum == 0 ? 0 : 1.0 - (double) acceptSum / requestSum;
  }

  private int rotate(long now) {
    long second = now / 1_000_000_000L;
    long gap = Math.min(second - currentSecond, seconds);
    for (long i = 1; i <= gap; i++) {
      int at = (int) Math.floorMod(currentSecond + i, (long) seconds);
      requestSum -= requests[at];
      acceptSum -= accepts[at];
      requests[at] = 0;
      accepts[at] = 0;
    }
    if (second > currentSecond) {
      currentSecond = second;
    }
    return (int) Math.floorMod(currentSecond, (long) seconds);
  }
}
