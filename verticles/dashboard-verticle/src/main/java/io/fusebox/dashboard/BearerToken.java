package io.fusebox.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin token, compared in constant time so that response timing tells an attacker nothing
 * about how much of a guess was right. An empty token means admin is off.
 */
final class BearerToken {

  private static final String SCHEME = "Bearer ";
  private final byte[] token;

  BearerToken(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  boolean configured() {
    return token.length > 0;
  }

  /** Whether an {@code Authorization} header carries this token. */
  boolean matches(String authorization) {
    if (!configured() || authorization == null || !authorization.startsWith(SCHEME)) {
      return false;
    }
    byte[] offered = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, offered);
  }
}
