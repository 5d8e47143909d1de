package io.fusebox.protocol;

import java.time.Duration;

/** How a {@link FuseboxClient} calls breakers. */
public final class FuseboxClientOptions {

  /** Reject calls to a breaker the local mirror shows open, without sending them. */
  public static final boolean DEFAULT_FAIL_FAST = false;
  /** How long to wait for a reply; longer than any breaker's call_timeout (default 10 s). */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(15);
  /**
   * How long a breaker instance's last report counts in the mirror at least: 4 snapshot intervals
   * of 1 s and a bit. An instance whose snapshots say it has a longer interval counts 4 of those.
   */
  public static final Duration DEFAULT_MIRROR_TTL = Duration.ofSeconds(5);

  private boolean failFast = DEFAULT_FAIL_FAST;
  private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
  private Duration mirrorTtl = DEFAULT_MIRROR_TTL;

  public boolean failFast() {
    return failFast;
  }

  public FuseboxClientOptions setFailFast(boolean failFast) {
    this.failFast = failFast;
    return this;
  }

  public Duration sendTimeout() {
    return sendTimeout;
  }

  public FuseboxClientOptions setSendTimeout(Duration sendTimeout) {
    this.sendTimeout = sendTimeout;
    return this;
  }

  public Duration mirrorTtl() {
    return mirrorTtl;
  }

  public FuseboxClientOptions setMirrorTtl(Duration mirrorTtl) {
    this.mirrorTtl = mirrorTtl;
    return this;
  }
}
