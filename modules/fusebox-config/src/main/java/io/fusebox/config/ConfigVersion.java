package io.fusebox.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Names a configuration by what it says: the first 12 hex digits of the SHA-256 of its tree as
 * JSON with keys sorted, so that comments, layout and key order do not change it and an operator
 * can tell from a snapshot which file a breaker runs.
 */
final class ConfigVersion {

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private ConfigVersion() {
  }

  static String of(Map<String, Object> root) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsString(root)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a parsed configuration", e);
    }
  }
}
