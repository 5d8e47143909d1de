package io.fusebox.core;

/**
 * What a breaker looks like at one moment, for people, metrics and other nodes.
 *
 * @param breaker the breaker's name
 * @param state its state
 * @param sinceEpochMillis when it entered that state
 * @param successCalls calls that succeeded, since start or the last reset
 * @param failureCalls calls that failed (timeouts not included)
 * @param ignoredCalls calls whose error was the caller's fault
 * @param rejectedCalls calls refused without running
 * @param timeoutCalls calls that ran past their deadline
 * @param failureRate failed share of the window's calls (timeouts count as failed), 0 when empty
 * @param slowCallRate slow share of the window's calls, 0 when empty
 * @param windowCalls calls the window holds now; half-open starts an empty window that holds the probes
 * @param p50Millis median latency of recent calls
 * @param p95Millis 95th percentile latency of recent calls
 * @param p99Millis 99th percentile latency of recent calls
 * @param openTimeoutMillis while open, the open timeout in force; while half-open, the one a failed
 *     probe would start (one backoff level up); otherwise the one a trip would start
 * @param backoffLevel re-opens since the last close
 * @param retryAtEpochMillis when an open breaker will admit a probe; 0 in other states
 * @param probesInFlight probe calls running while half-open
 */
public record BreakerSnapshot(
    String breaker,
    BreakerState state,
    long sinceEpochMillis,
    long successCalls,
    long failureCalls,
    long ignoredCalls,
    long rejectedCalls,
    long timeoutCalls,
    double failureRate,
    double slowCallRate,
    int windowCalls,
    double p50Millis,
    double p95Millis,
    double p99Millis,
    long openTimeoutMillis,
    int backoffLevel,
    long retryAtEpochMillis,
    int probesInFlight) {
}
