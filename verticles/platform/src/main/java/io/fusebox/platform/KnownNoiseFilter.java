package io.fusebox.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import org.slf4j.Marker;

/**
 * Drops one warning that says nothing about the node: vertx-micrometer-metrics 5.0.7 registers the
 * {@code vertx.eventbus.handlers} gauge again for every event-bus consumer (the count itself is
 * shared and right), and Micrometer warns about the second registration. Any other meter's warning
 * passes.
 */
public final class KnownNoiseFilter extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == Level.WARN && "io.micrometer.core.instrument.MeterRegistry".equals(logger.getName())
        && mentionsHandlersGauge(format, params)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean mentionsHandlersGauge(String format, Object[] params) {
    String text = String.valueOf(format) + (params == null ? "" : Arrays.toString(params));
    return text.contains("This Gauge has been already registered") && text.contains("name='vertx.eventbus.handlers'");
  }
}
