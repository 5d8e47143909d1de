package io.fusebox.vertx;

import java.util.function.Predicate;

/**
 * Decides how a call counts from what it ended with: its result, or its failure. The default counts
 * every result a success and every failure a failure; {@link #builder()} makes one from predicates,
 * tried in the order caller's fault, ignored, failure.
 */
@FunctionalInterface
public interface Classifier {

  /** Every result a success, every failure a failure. */
  Classifier DEFAULT = (result, failure) -> failure == null ? Outcome.SUCCESS : Outcome.FAILURE;

  /**
   * @param result what the call succeeded with (null when it failed, or succeeded with null)
   * @param failure what the call failed with, or null when it succeeded
   */
  Outcome classify(Object result, Throwable failure);

  static Builder builder() {
    return new Builder();
  }

  /** Predicates over failures and results; anything no predicate claims is classified as {@link #DEFAULT}. */
  final class Builder {
    private Predicate<Throwable> callersFault = e -> false;
    private Predicate<Throwable> ignored = e -> false;
    private Predicate<Throwable> failure = e -> true;
    private Predicate<Object> failedResult = r -> false;

    private Builder() {
    }

    /** Failures that are the caller's own mistake (a bad argument, a refused validation): counted for nothing. */
    public Builder callersFault(Predicate<Throwable> when) {
      this.callersFault = when;
      return this;
    }

    /** Failures that say nothing about the dependency's health (not found, a conflict): counted as ignored. */
    public Builder ignore(Predicate<Throwable> when) {
      this.ignored = when;
      return this;
    }

    /** Which of the remaining failures count as failures; the others count as successes. Default: all. */
    public Builder failureWhen(Predicate<Throwable> when) {
      this.failure = when;
      return this;
    }

    /** Results that count as failures although the call succeeded (a 503 response, say). */
    public Builder failedResult(Predicate<Object> when) {
      this.failedResult = when;
      return this;
    }

    public Classifier build() {
      Predicate<Throwable> callersFault = this.callersFault;
      Predicate<Throwable> ignored = this.ignored;
      Predicate<Throwable> failure = this.failure;
      Predicate<Object> failedResult = this.failedResult;
      return (result, thrown) -> {
        if (thrown == null) {
          return failedResult.test(result) ? Outcome.FAILURE : Outcome.SUCCESS;
        }
        if (callersFault.test(thrown)) {
          return Outcome.CALLERS_FAULT;
        }
        if (ignored.test(thrown)) {
          return Outcome.IGNORED;
        }
        return failure.test(thrown) ? Outcome.FAILURE : Outcome.SUCCESS;
      };
    }
  }
}
