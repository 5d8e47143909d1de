package io.fusebox.pg;

import io.vertx.pgclient.PgException;

/**
 * Which PostgreSQL errors are the caller's own: the one rule shared by the PostgreSQL adapter and
 * the in-process SQL client wrapper, so a statement counts the same way whichever way it was sent.
 */
public final class SqlStates {

  private SqlStates() {
  }

  /**
   * SQLSTATE classes 22 (data), 23 (integrity) and 42 (syntax or access), and parameters of the
   * wrong type or number refused by the client before anything was sent (the client gives those no
   * code, only text). Every other error says something about the database.
   */
  public static boolean callersMistake(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      String state = pg.getSqlState();
      return state.startsWith("22") || state.startsWith("23") || state.startsWith("42");
    }
    String message = String.valueOf(failure.getMessage());
    return message.contains("can not be coerced") || message.contains("number of parameters");
  }
}
