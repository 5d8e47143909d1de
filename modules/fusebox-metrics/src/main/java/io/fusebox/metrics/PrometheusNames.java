package io.fusebox.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Keeps a node's /metrics within Prometheus's naming rules as {@code promtool check metrics}
 * applies them. Three of the JVM meters that Vert.x registers break them: two count time in
 * milliseconds or nanoseconds ({@code jvm_compilation_time_ms_total}, {@code process_cpu_time_ns_total};
 * Prometheus wants seconds), and one gauge ends in {@code _count}, which Prometheus reserves for
 * histograms and summaries ({@code system_cpu_count}). The first two are exported in seconds
 * instead ({@code jvm_compilation_time_seconds_total}, {@code process_cpu_seconds_total}, the name
 * the Prometheus client libraries use), the third as {@code system_cpu_processors}.
 */
public final class PrometheusNames implements MeterFilter {

  private static final String COMPILATION_MS = "jvm.compilation.time";
  private static final String CPU_NS = "process.cpu.time";

  /** A registry for a node's /metrics: every meter named the Prometheus way. */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new PrometheusNames());
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation.time", compilation, c -> c.getTotalCompilationTime() / 1e3)
          .baseUnit("seconds").description("Time the JIT compiler has spent compiling")
          .register(registry);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds").description("CPU time the node's process has used")
          .register(registry);
    }
    return registry;
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    boolean inOddUnits = COMPILATION_MS.equals(id.getName()) && !"seconds".equals(id.getBaseUnit())
        || CPU_NS.equals(id.getName());
    return inOddUnits ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpu.processors") : id;
  }
}
