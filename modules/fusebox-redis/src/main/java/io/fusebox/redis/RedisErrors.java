package io.fusebox.redis;

import java.util.Set;

/**
 * Which Redis errors are the caller's own: the one rule shared by the Redis adapter and the
 * in-process Redis wrapper. {@code WRONGTYPE} and command errors ({@code ERR}, {@code NOSCRIPT},
 * {@code EXECABORT}) are; {@code LOADING}, {@code BUSY}, {@code MASTERDOWN}, connection errors and
 * timeouts say something about the server.
 */
public final class RedisErrors {

  private static final Set<String> CALLERS_FAULT = Set.of("WRONGTYPE", "ERR", "NOSCRIPT", "EXECABORT");

  private RedisErrors() {
  }

  public static boolean callersFault(Throwable failure) {
    return CALLERS_FAULT.contains(errorCode(failure)) || isClientSideMistake(failure);
  }

  /**
   * An error reply's first word is its code (the RESP protocol's "error kind": ERR, WRONGTYPE,
   * LOADING...); the client exposes it only as the start of the message.
   */
  static String errorCode(Throwable failure) {
    return String.valueOf(failure.getMessage()).split(" ", 2)[0];
  }

  /** An answer from the server, whatever its kind: the connection that carried it still works. */
  static boolean isErrorReply(Throwable failure) {
    String code = errorCode(failure);
    return code.length() > 1 && code.chars().allMatch(c -> c >= 'A' && c <= 'Z');
  }

  /** The client checks a command's arity before sending it, and says so only in text. */
  static boolean isClientSideMistake(Throwable failure) {
    return String.valueOf(failure.getMessage()).startsWith("Redis command is not valid");
  }
}
