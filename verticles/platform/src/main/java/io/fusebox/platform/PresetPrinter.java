package io.fusebox.platform;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Durations;
import io.fusebox.core.Presets;
import java.io.PrintStream;

/** {@code fusebox presets}: every preset's values, written as a breaker section would set them. */
final class PresetPrinter {

  private PresetPrinter() {
  }

  static int print(PrintStream out) {
    for (String name : Presets.names()) {
      BreakerConfig c = Presets.get(name);
      out.println(name + ":");
      out.println("  detection:");
      out.println("    consecutive_failures: { threshold: " + c.consecutiveFailures().threshold() + ", noise_aware: "
          + c.consecutiveFailures().noiseAware() + " }");
      BreakerConfig.Window w = c.failureRate().window();
      out.println("    failure_rate: { threshold: " + c.failureRate().threshold() + ", minimum_calls: "
          + c.failureRate().minimumCalls() + ", window: { type: " + w.type().wireName() + ", "
          + (w.type() == BreakerConfig.WindowType.COUNT_BASED ? "size: " + w.size() : "duration: " + Durations.format(w.duration())) + " } }");
      out.println("    slow_calls: { threshold: " + Durations.format(c.slowCalls().threshold()) + ", rate_threshold: "
          + c.slowCalls().rateThreshold() + " }");
      out.println("    call_timeout: " + Durations.format(c.callTimeout()));
      out.println("  bulkhead: { max_concurrent_calls: " + c.bulkhead().maxConcurrentCalls() + ", max_wait_queue: "
          + c.bulkhead().maxWaitQueue() + " }");
      BreakerConfig.Transitions t = c.transitions();
      out.println("  transitions: { open_timeout: " + Durations.format(t.openTimeout()) + ", enable_exponential_backoff: "
          + t.enableExponentialBackoff() + ", backoff_multiplier: " + t.backoffMultiplier() + ", max_open_timeout: "
          + Durations.format(t.maxOpenTimeout()) + ", jitter: " + t.jitter() + " }");
      out.println("  recovery: { permitted_probes: " + c.recovery().permittedProbes() + ", success_threshold: "
          + c.recovery().successThreshold() + ", strict_mode: " + c.recovery().strictMode() + " }");
    }
    return 0;
  }
}
