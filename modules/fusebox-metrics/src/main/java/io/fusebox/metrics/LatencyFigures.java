package io.fusebox.metrics;

/** What a breaker's latency summary shows between two of its snapshots. */
record LatencyFigures(long count, double sumSeconds, double p50Seconds, double p95Seconds, double p99Seconds) {

  static final LatencyFigures NONE = new LatencyFigures(0, 0, 0, 0, 0);
}
