package io.fusebox.config;

import java.net.URI;

/** What of a secret may be shown in logs and messages. */
public final class Redacted {

  private Redacted() {
  }

  /**
   * {@code scheme://host:port} of a URL, without its path, query or user info, where webhooks keep
   * their tokens (a Slack webhook's path is its secret).
   */
  public static String origin(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return "a URL without a host";
      }
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException unreadable) {
      return "an unreadable URL";
    }
  }
}
