package io.fusebox.pg;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DeadlinePool;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.DependencyTimeoutException;
import io.fusebox.adapter.HostAndPort;
import io.fusebox.adapter.MemberPool;
import io.fusebox.adapter.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Runs {@code {"sql", "params"}} and transactions {@code {"tx": [{"sql", "params"}...]}} on a pool
 * of PostgreSQL connections. Replies {@code {"rows": [...], "row_count"}} (a transaction:
 * {@code {"results": [...]}}). Classified by SQLSTATE: data (22), integrity (23) and syntax or
 * access (42) errors are the caller's and answered 422, as are parameters of the wrong type or
 * number; everything else is the database's failure.
 *
 * <p>Deadlines: a call (or a {@code SELECT 1} probe) still running at its deadline gets a
 * PostgreSQL cancel request and its connection is closed, so the server stops the statement and
 * the pool opens a fresh connection; a transaction past its deadline is never committed (closing
 * its connection rolls it back).
 */
final class PgAdapter implements DependencyAdapter {

  private static final Set<String> QUERY_KEYS = Set.of("sql", "params");
  /** How long this transaction may sit idle before the server ends its session; for this transaction only. */
  private static final String IDLE_NO_LONGER_THAN =
      "SELECT set_config('idle_in_transaction_session_timeout', $1, true)";

  private final DeadlinePool<PgConnection> pool;
  /** The read replicas, each with its pool and outlier detector; null when there are none. */
  private final MemberPool<DeadlinePool<PgConnection>> replicas;

  PgAdapter(Vertx vertx, PgDependency d) {
    this.pool = pool(vertx, d, d.host(), d.port());
    if (d.readReplicas().isEmpty()) {
      replicas = null;
    } else {
      replicas = new MemberPool<>(d.ejection(), System::nanoTime);
      for (String replica : d.readReplicas()) {
        HostAndPort member = HostAndPort.parse(replica);
        replicas.add(pool(vertx, d, member.host(), member.port()), replica);
      }
    }
  }

  private static DeadlinePool<PgConnection> pool(Vertx vertx, PgDependency d, String host, int port) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(d.database())
        .setUser(d.user())
        .setPassword(d.password())
        .setProperties(Map.of("application_name", d.applicationName()));
    return new DeadlinePool<>(vertx, new DeadlinePool.Connector<>() {
      @Override
      public Future<PgConnection> open() {
        return PgConnection.connect(vertx, connect);
      }

      @Override
      public void close(PgConnection connection) {
        connection.close();
      }

      @Override
      public void onClosed(PgConnection connection, Runnable onClosed) {
        connection.closeHandler(v -> onClosed.run());
      }

      @Override
      public void interrupt(PgConnection connection) {
        connection.cancelRequest();
      }

      @Override
      public boolean survives(Throwable failure) {
        return failure instanceof PgException || SqlStates.callersMistake(failure);
      }
    }, d.poolSize(), d.maxWaitQueue(), d.connectTimeout().toMillis());
  }

  @Override
  public String invalid(JsonObject op) {
    if (op.containsKey("tx")) {
      if (op.size() != 1 || !(op.getValue("tx") instanceof JsonArray tx) || tx.isEmpty()) {
        return "a transaction is {\"tx\": [{\"sql\", \"params\"}, ...]} with at least one statement";
      }
      for (int i = 0; i < tx.size(); i++) {
        if (!(tx.getValue(i) instanceof JsonObject statement)) {
          return "tx[" + i + "] must be an object {\"sql\", \"params\"}";
        }
        String problem = invalidQuery(statement);
        if (problem != null) {
          return "tx[" + i + "]: " + problem;
        }
      }
      return null;
    }
    return invalidQuery(op);
  }

  private static String invalidQuery(JsonObject op) {
    for (String key : op.fieldNames()) {
      if (!QUERY_KEYS.contains(key)) {
        return "unknown key '" + key + "' (expected sql, params, or tx)";
      }
    }
    if (!(op.getValue("sql") instanceof String sql) || sql.isBlank()) {
      return "sql must be a non-empty string";
    }
    Object params = op.getValue("params");
    if (params != null && !(params instanceof JsonArray)) {
      return "params must be an array";
    }
    return null;
  }

  /** A single SELECT (or VALUES, TABLE) reads; its key is the statement and its parameters. */
  @Override
  public String readKey(JsonObject op) {
    String sql = op.getString("sql");
    if (sql == null) {
      return null;
    }
    String head = sql.stripLeading().toLowerCase(Locale.ROOT);
    boolean read = head.startsWith("select") || head.startsWith("values") || head.startsWith("table");
    return read ? sql + "\u0000" + op.getJsonArray("params", new JsonArray()).encode() : null;
  }

  @Override
  public Future<CallResult> call(JsonObject op, long timeoutMillis, String traceparent) {
    if (replicas != null && readKey(op) != null) {
      MemberPool.Member<DeadlinePool<PgConnection>> replica = replicas.pick();
      return call(replica.target(), op, timeoutMillis)
          .andThen(ar -> replicas.record(replica, ar.failed() || ar.result().outcome() == Outcome.FAILURE));
    }
    return call(pool, op, timeoutMillis);
  }

  private static Future<CallResult> call(DeadlinePool<PgConnection> on, JsonObject op, long timeoutMillis) {
    long deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000;
    return on.<JsonObject>run(timeoutMillis, (conn, expired) -> op.containsKey("tx")
            ? transaction(conn, op.getJsonArray("tx"), deadlineNanos, expired)
            : run(conn, op))
        .transform(ar -> ar.succeeded()
            ? Future.succeededFuture(CallResult.success(ar.result()))
            : classify(ar.cause()));
  }

  /** With read replicas: each one in or ejected, as snapshots show them. */
  @Override
  public JsonObject pool() {
    return replicas == null ? null
        : new JsonObject().put("members", replicas.describe()).put("panics", replicas.panics());
  }

  /**
   * The statements in order, then a commit only if the deadline has not passed; any failure rolls
   * back. Right before the commit the server is told how long the transaction may still sit idle
   * (the time left, by {@code idle_in_transaction_session_timeout}): a COMMIT that the network holds
   * back past the deadline (a partition that heals after the caller was told 504) finds its session
   * ended by the server, and the transaction rolled back, instead of committing late.
   */
  private static Future<JsonObject> transaction(PgConnection conn, JsonArray statements, long deadlineNanos,
      BooleanSupplier expired) {
    return conn.begin().compose(tx -> runInOrder(conn, statements, 0, new ArrayList<>(), expired)
        .compose(results -> {
          long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
          if (expired.getAsBoolean() || leftMillis < 1) {
            return Future.failedFuture(new DependencyTimeoutException("the deadline passed before the commit"));
          }
          return conn.preparedQuery(IDLE_NO_LONGER_THAN).execute(Tuple.of(leftMillis + "ms"))
              .compose(set -> tx.commit())
              .map(v -> new JsonObject().put("results", new JsonArray(results)));
        })
        .recover(failure -> tx.rollback().transform(ignored -> Future.failedFuture(failure))));
  }

  private static Future<List<JsonObject>> runInOrder(SqlClient conn, JsonArray statements, int index, List<JsonObject> done,
      BooleanSupplier expired) {
    if (index == statements.size() || expired.getAsBoolean()) {
      return Future.succeededFuture(done);
    }
    return run(conn, statements.getJsonObject(index)).compose(result -> {
      done.add(result);
      return runInOrder(conn, statements, index + 1, done, expired);
    });
  }

  private static Future<JsonObject> run(SqlClient client, JsonObject statement) {
    JsonArray params = statement.getJsonArray("params", new JsonArray());
    List<Object> values = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      values.add(PgValues.param(params.getValue(i)));
    }
    return client.preparedQuery(statement.getString("sql")).execute(Tuple.wrap(values)).map(PgAdapter::rows);
  }

  private static JsonObject rows(RowSet<Row> rows) {
    JsonArray list = new JsonArray();
    for (Row row : rows) {
      list.add(PgValues.row(row));
    }
    return new JsonObject().put("rows", list).put("row_count", rows.rowCount());
  }

  /** The caller's mistakes ({@link SqlStates#callersMistake}) are answered as such; any other error is a failure. */
  static Future<CallResult> classify(Throwable failure) {
    String sqlError = failure instanceof PgException pg && pg.getSqlState() != null
        ? "SQLSTATE " + pg.getSqlState() + ": " + pg.getErrorMessage() : null;
    if (SqlStates.callersMistake(failure)) {
      return Future.succeededFuture(CallResult.callerError(sqlError != null ? sqlError : failure.getMessage()));
    }
    return sqlError != null ? Future.succeededFuture(CallResult.failure(sqlError)) : Future.failedFuture(failure);
  }

  @Override
  public Future<Void> probe(long timeoutMillis) {
    return pool.<Void>run(timeoutMillis, (conn, expired) -> conn.query("SELECT 1").execute().mapEmpty());
  }

  @Override
  public Future<Void> close() {
    pool.close();
    if (replicas != null) {
      replicas.forEach(DeadlinePool::close);
    }
    return Future.succeededFuture();
  }
}
