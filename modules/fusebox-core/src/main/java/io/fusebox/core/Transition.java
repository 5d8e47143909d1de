package io.fusebox.core;

/**
 * One change of state.
 *
 * @param breaker the breaker's name
 * @param from the state left
 * @param to the state entered
 * @param reason why, e.g. {@code failure_rate 0.62>=0.50}, {@code open_timeout_elapsed},
 *     {@code probes_succeeded}, {@code probe_failed}, {@code admin:force_open}
 * @param atEpochMillis when, by the breaker's clock
 * @param window the window as it was when the state was left: for a trip, the evidence of why the
 *     breaker opened (entering half-open, and closing, start an empty one)
 * @param cause why, for code to act on (the reason is for people)
 */
public record Transition(String breaker, BreakerState from, BreakerState to, String reason, long atEpochMillis,
    WindowCounts window, TransitionCause cause) {
}
