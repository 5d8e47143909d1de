package io.fusebox.core;

/**
 * What a breaker counts for its snapshots and meters, and judges nothing by: calls by outcome and
 * their latencies. A keyed family's keys have none (the family's meters count their calls), which
 * spares each key the histogram's 400 bytes.
 */
final class Tally {

  final LatencyHistogram latency = new LatencyHistogram();
  long successCalls;
  long failureCalls;
  long ignoredCalls;
  long rejectedCalls;
  long timeoutCalls;

  /** All counts together, for a reporter that only needs to know whether any moved. */
  long sum() {
    return successCalls + failureCalls + ignoredCalls + rejectedCalls + timeoutCalls;
  }

  void clear() {
    successCalls = 0;
    failureCalls = 0;
    ignoredCalls = 0;
    rejectedCalls = 0;
    timeoutCalls = 0;
    latency.clear();
  }
}
