package io.fusebox.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokens the API accepts, each naming who uses it and with what right: {@code admin_token} is
 * an operator named {@code admin}, and {@code fusebox.http.tokens} add viewers and operators of
 * their own names. A token offered is compared with every one, each in constant time, so that the
 * response's timing tells an attacker nothing of how much of a guess was right, nor which token it
 * came near. None configured means admin is off.
 */
public final class ApiTokens {

  /** What a token may do: a viewer reads the audit trail, an operator also acts on breakers. */
  public enum Role {
    VIEWER, OPERATOR;

    public static Role of(String name) {
      return "operator".equals(name) ? OPERATOR : VIEWER;
    }

    String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One token: its holder's name and role. */
  public record Named(String name, String token, Role role) {
    @Override
    public String toString() {
      return name + " (" + role.wireName() + ")";
    }
  }

  /** Who a request comes from. */
  record Caller(String name, Role role) {
  }

  private static final String SCHEME = "Bearer ";

  private final List<Named> tokens;
  private final List<byte[]> secrets = new ArrayList<>();

  private ApiTokens(List<Named> tokens) {
    this.tokens = List.copyOf(tokens);
    for (Named t : this.tokens) {
      secrets.add(t.token().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** @param adminToken empty for none */
  public static ApiTokens of(String adminToken, List<Named> named) {
    List<Named> all = new ArrayList<>();
    if (!adminToken.isEmpty()) {
      all.add(new Named("admin", adminToken, Role.OPERATOR));
    }
    all.addAll(named);
    return new ApiTokens(all);
  }

  boolean configured() {
    return !tokens.isEmpty();
  }

  /** The holder of the token an {@code Authorization} header carries, or null for none of ours. */
  Caller identify(String authorization) {
    if (authorization == null || !authorization.startsWith(SCHEME)) {
      return null;
    }
    byte[] offered = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    Caller found = null;
    for (int i = 0; i < tokens.size(); i++) {
      if (MessageDigest.isEqual(secrets.get(i), offered) && found == null) {
        found = new Caller(tokens.get(i).name(), tokens.get(i).role());
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return "ApiTokens" + tokens;
  }
}
