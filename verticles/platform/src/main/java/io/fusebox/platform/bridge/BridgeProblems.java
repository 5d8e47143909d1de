package io.fusebox.platform.bridge;

import io.fusebox.protocol.LogLimiter;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge logs about its clients' mistakes: one line per connection at most, at most one a
 * second across all of them, never a stack trace; a client's mistake is the client's business.
 */
final class BridgeProblems {

  private static final Logger LOG = LoggerFactory.getLogger("fusebox.bridge");
  private static final int MAX_DETAIL = 120;

  private final LogLimiter limiter = new LogLimiter(1000);

  void report(SocketAddress client, String why) {
    if (limiter.tryAcquire()) {
      long held = limiter.suppressed();
      LOG.warn("bridge client {} sent a bad frame: {}{}", client, abbreviate(why),
          held == 0 ? "" : " (" + held + " more problems not logged)");
    }
  }

  void refusedConnection(SocketAddress client, int limit) {
    if (limiter.tryAcquire()) {
      LOG.warn("bridge refused a connection from {}: {} connections are open, the limit", client, limit);
    }
  }

  static String abbreviate(String text) {
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
  }

  static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int end = text.indexOf('\n');
    return abbreviate(end < 0 ? text : text.substring(0, end));
  }
}
