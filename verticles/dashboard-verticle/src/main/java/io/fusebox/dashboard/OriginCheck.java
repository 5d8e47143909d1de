package io.fusebox.dashboard;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may open the live feed. A browser sends the page's origin with every WebSocket handshake and
 * lets any page connect anywhere, so without this check any site an operator visits could read
 * every breaker's state (cross-site WebSocket hijacking). The page's own origin is allowed, and so
 * are the configured ones; a handshake without an {@code Origin} comes from no browser page and is
 * allowed too.
 */
final class OriginCheck {

  private final Set<String> allowed;

  OriginCheck(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(OriginCheck::normalise).collect(Collectors.toUnmodifiableSet());
  }

  boolean allows(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return true;
    }
    String normalised = normalise(origin);
    if (allowed.contains(normalised)) {
      return true;
    }
    String host = request.getHeader("Host");
    String scheme = request.isSSL() ? "https://" : "http://";
    return host != null && normalised.equals(normalise(scheme + host));
  }

  private static String normalise(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
