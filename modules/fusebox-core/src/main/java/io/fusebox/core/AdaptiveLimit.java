package io.fusebox.core;

import java.util.Arrays;

/**
 * A concurrency limit that follows a dependency's capacity, Vegas-style: it compares the round
 * trips of recent calls with the dependency's no-load round trip and reads the difference as calls
 * queued at the dependency, {@code queue = limit × (1 − noLoad / recent)}. Below a small queue it
 * raises the limit, above it it lowers the limit to where that queue would be. Owned by one
 * thread (a breaker's event loop); the caller passes the time.
 *
 * <p>The no-load round trip is what keeps the limit from drifting. Every sample a limited breaker
 * sees under sustained overload waited in the dependency's queue (it is kept a few calls long), so
 * a no-load figure learned from recent samples would creep up with that queue, and the limit with
 * it. Instead, every {@code probe_interval} the limit is halved until a few calls have run that
 * started with the dependency far from full: their median is the no-load round trip until the next
 * probe, unless a window shows a lower one. This costs about half the throughput for a few round
 * trips every probe interval (under 1% at 10 s), like BBR's ProbeRTT. Between probes, only a
 * window 10% faster than it moves it.
 *
 * <p>Samples are gathered in windows of at least {@value #MIN_SAMPLES} calls and
 * {@link #WINDOW_NANOS} (or two no-load round trips, when longer); a window is judged by its median,
 * which a few slow or failed-fast calls do not move.
 */
public final class AdaptiveLimit {

  /** Calls a window needs before it is judged. */
  static final int MIN_SAMPLES = 10;
  /** A window's shortest length: 100 ms. */
  static final long WINDOW_NANOS = 100_000_000L;
  /** Samples a window keeps; later ones overwrite earlier ones in turn. */
  private static final int MAX_SAMPLES = 512;
  /** Growth, per window, of a limit that sees no queue at all or never saw one (slow start, as TCP's): 10%. */
  private static final double FAST_GROWTH = 0.1;
  /** A window's median below this share of the no-load round trip means the dependency got faster. */
  private static final double FASTER = 0.9;
  /** A queue this many times the upper bound lowers the limit at once, without waiting for a second window. */
  private static final double HICCUP_QUEUES = 3.0;
  /** The most a limit keeps of itself after one window that shows a long queue. */
  private static final double MAX_DECREASE = 0.7;

  private final int minLimit;
  private final int maxLimit;
  private final long probeIntervalNanos;
  private double limit;
  /** Whether the last window judged showed a queue above the upper bound. */
  private boolean queuedBefore;
  /** Until the first window that shows a queue, the limit grows by a share of itself; then by one call unless none queue. */
  private boolean slowStart = true;
  /** The no-load round trip; 0 until the first window. */
  private long noLoadNanos;
  private long recentNanos;

  private final long[] samples = new long[MAX_SAMPLES];
  private int sampleCount;
  private long windowStart;
  private int mostInFlight;

  /** While probing, samples come from calls started since the probe began; earlier ones ran fuller. */
  private boolean probing;
  private long nextProbeAt;

  /**
   * @param initialLimit the limit before anything is measured
   * @param probeIntervalNanos time between two measurements of the no-load round trip
   * @param now the caller's clock, in nanoseconds
   */
  public AdaptiveLimit(int initialLimit, int minLimit, int maxLimit, long probeIntervalNanos, long now) {
    if (minLimit < 1 || maxLimit < minLimit || initialLimit < minLimit || initialLimit > maxLimit) {
      throw new IllegalArgumentException("need 1 <= min_limit <= initial_limit <= max_limit, got " + minLimit + " <= "
          + initialLimit + " <= " + maxLimit);
    }
    this.minLimit = minLimit;
    this.maxLimit = maxLimit;
    this.probeIntervalNanos = probeIntervalNanos;
    this.limit = initialLimit;
    this.windowStart = now;
    // the first window measures the no-load round trip: a breaker may start under overload
    this.nextProbeAt = now;
  }

  /** Whether this limit keeps these bounds, so that a reload that leaves them keeps what it learned. */
  public boolean hasBounds(int minLimit, int maxLimit, long probeIntervalNanos) {
    return this.minLimit == minLimit && this.maxLimit == maxLimit && this.probeIntervalNanos == probeIntervalNanos;
  }

  /** Calls that may be in flight now: half the limit while probing the no-load round trip. */
  public int limit() {
    int whole = (int) limit;
    return probing ? Math.max(minLimit, whole / 2) : whole;
  }

  /** The limit learned, which {@link #limit()} halves while probing. */
  public int estimate() {
    return (int) limit;
  }

  /** Whether the limit is held at half to measure the no-load round trip. */
  public boolean probing() {
    return probing;
  }

  /** The no-load round trip in nanoseconds; 0 before the first window. */
  public long noLoadNanos() {
    return noLoadNanos;
  }

  /** The median round trip of the last window judged; 0 before the first. */
  public long recentNanos() {
    return recentNanos;
  }

  /** A call starts with {@code inFlight} calls running, itself included. */
  public void started(int inFlight) {
    if (inFlight > mostInFlight) {
      mostInFlight = inFlight;
    }
  }

  /**
   * A call that started at {@code startedAt} ended after {@code rttNanos}, with a result or past
   * its deadline (a timeout is the loudest sign of a queue). Calls refused before they ran are no
   * sample.
   */
  public void sample(long startedAt, long rttNanos, long now) {
    if (probing && startedAt < windowStart) {
      return;
    }
    samples[sampleCount % MAX_SAMPLES] = rttNanos;
    sampleCount++;
    if (sampleCount >= MIN_SAMPLES && now - windowStart >= Math.max(WINDOW_NANOS, 2 * noLoadNanos)) {
      judge(now);
    }
  }

  private void judge(long now) {
    long median = median();
    recentNanos = median;
    boolean used = mostInFlight * 2 >= (int) limit;
    startWindow(now);
    if (probing) {
      noLoadNanos = median;
      probing = false;
      nextProbeAt = now + probeIntervalNanos;
      return;
    }
    // between probes, only a clearly faster dependency moves the no-load round trip: the lowest of
    // many noisy medians is below the truth, and would read a queue where there is none
    if (noLoadNanos == 0 || median < FASTER * noLoadNanos) {
      noLoadNanos = median;
    }
    double queue = limit * (1.0 - (double) noLoadNanos / median);
    double alpha = Math.max(0.5, 0.03 * limit);
    double beta = Math.max(1.0, 0.1 * limit);
    boolean queued = queue > beta;
    // one window's median can be a hiccup (a pause of the process, a burst of slow calls): a queue
    // seen once lowers the limit only when it is long; seen twice in a row, it always does, by at
    // most 30% a window
    if (queued && (queuedBefore || queue > HICCUP_QUEUES * beta)) {
      limit = Math.max(MAX_DECREASE * limit, limit * noLoadNanos / median + alpha);
      slowStart = false;
    } else if (queue < alpha && used) {
      // no queue at all: far below capacity (at start, or after a hiccup cut the limit), so grow fast
      limit += slowStart || queue < alpha / 2 ? Math.max(1.0, FAST_GROWTH * limit) : 1.0;
    }
    queuedBefore = queued;
    limit = Math.max(minLimit, Math.min(maxLimit, limit));
    probing = now >= nextProbeAt;
  }

  private void startWindow(long now) {
    windowStart = now;
    sampleCount = 0;
    mostInFlight = 0;
  }

  private long median() {
    int n = Math.min(sampleCount, MAX_SAMPLES);
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    return sorted[n / 2];
  }
}
