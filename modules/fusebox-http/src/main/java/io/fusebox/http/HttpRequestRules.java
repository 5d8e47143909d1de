package io.fusebox.http;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What a caller may put in an HTTP operation, checked before anything is sent, so that a malformed
 * request is the caller's 400 and never a dependency failure, a stuck connection or a smuggled one.
 *
 * <p>The path holds only RFC 3986 path and query characters (percent-encoded where needed); header
 * names are RFC 9110 tokens; header values, query names and values hold no control character (so
 * no CR/LF anywhere); headers that frame the request on the wire are the client's, not the caller's.
 */
final class HttpRequestRules {

  /** Longest path with its query, in characters. */
  static final int MAX_PATH_CHARS = 8 * 1024;
  /** Longest header value, in characters. */
  static final int MAX_HEADER_CHARS = 8 * 1024;
  /** Headers that decide how the request is framed or the connection used. */
  private static final Set<String> FRAMING_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
      "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "expect", "http2-settings");
  /** RFC 3986 unreserved, sub-delims, ':', '@', '/' and '?'; '%' is checked apart. */
  private static final String PATH_PUNCTUATION = "-._~!$&'()*+,;=:@/?";
  /** RFC 9110 tchar, besides letters and digits. */
  private static final String TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";

  private HttpRequestRules() {
  }

  /** Why the path cannot be sent, or null. */
  static String invalidPath(String path) {
    if (!path.startsWith("/")) {
      return "path must start with / (got " + quote(path) + ")";
    }
    if (path.length() > MAX_PATH_CHARS) {
      return "path is longer than " + MAX_PATH_CHARS + " characters";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
          return "path has a '%' that is not followed by two hex digits at index " + i;
        }
        i += 2;
      } else if (!isAlphaNumeric(c) && PATH_PUNCTUATION.indexOf(c) < 0) {
        return "path has " + describe(c) + " at index " + i + "; encode it as %XX";
      }
    }
    return null;
  }

  /** Why the header cannot be sent, or null. */
  static String invalidHeader(String name, String value) {
    if (name.isEmpty()) {
      return "headers has an empty name";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAlphaNumeric(c) && TOKEN_PUNCTUATION.indexOf(c) < 0) {
        return "header name " + quote(name) + " has " + describe(c) + "; names are RFC 9110 tokens";
      }
    }
    if (FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      return "header " + quote(name) + " frames the request on the wire and is set by Fusebox, not by a caller";
    }
    if (value.length() > MAX_HEADER_CHARS) {
      return "header " + quote(name) + " is longer than " + MAX_HEADER_CHARS + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return "header " + quote(name) + " has " + describe(c) + " in its value";
      }
    }
    return null;
  }

  /** Why a query parameter cannot be sent, or null; the client percent-encodes the rest. */
  static String invalidQuery(String name, String value) {
    String text = name + value;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        return "query " + quote(name) + " has " + describe(c);
      }
    }
    return null;
  }

  /** Checks the headers and query sections of an operation; why one cannot be sent, or null. */
  static String invalidSections(JsonObject op) {
    String problem = firstProblem(op.getJsonObject("headers"), HttpRequestRules::invalidHeader);
    return problem != null ? problem : firstProblem(op.getJsonObject("query"), HttpRequestRules::invalidQuery);
  }

  private static String firstProblem(JsonObject section, BiFunction<String, String, String> rule) {
    if (section != null) {
      for (String name : section.fieldNames()) {
        String problem = rule.apply(name, String.valueOf(section.getValue(name)));
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static boolean isAlphaNumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String describe(char c) {
    return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format(Locale.ROOT, "the character U+%04X", (int) c);
  }

  private static String quote(String s) {
    return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
  }
}
