package io.fusebox.core;

/**
 * Told of every transition, on the breaker's owning thread, after the new state is in place, in the
 * order listeners were added. A listener that throws is logged and skipped; the breaker and the
 * other listeners carry on.
 */
@FunctionalInterface
public interface TransitionListener {
  void onTransition(Transition transition);
}
