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
  /** Calls the dependency was asked (first count) and those it answered well (second count). */
  private final CountsBySecond counts;

  /**
   * @param threshold the failure share, in (0, 1), from which calls are refused
   * @param minimumCalls calls the window must hold before it refuses any
   */
  public Throttle(double threshold, int minimumCalls, int windowSeconds, long now) {
    this.k = 1.0 / (1.0 - threshold);
    this.minimumCalls = minimumCalls;
    this.counts = new CountsBySecond(windowSeconds, now);
  }

  /** A call reached the dependency; {@code accepted}: it succeeded. */
  public void record(boolean accepted, long now) {
    counts.addFirst(now);
    if (accepted) {
      counts.addSecond(now);
    }
  }

  /** The probability that a call is refused now; 0 below the threshold or the minimum of calls. */
  public double refusal(long now) {
    long requests = counts.first(now);
    if (requests < minimumCalls) {
      return 0;
    }
    return Math.max(0, (requests - k * counts.second(now)) / (requests + 1));
  }

  /** The failure share of the window's calls. */
  public double failureRate(long now) {
    long requests = counts.first(now);
    return requests == 0 ? 0 : 1.0 - (double) counts.second(now) / requests;
  }
}
