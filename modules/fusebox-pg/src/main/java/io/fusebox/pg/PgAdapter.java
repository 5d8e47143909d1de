package io.fusebox.pg;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.Durations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code {"sql", "params"}} and transactions {@code {"tx": [{"sql", "params"}...]}} on a
 * vertx-pg-client pool. Replies {@code {"rows": [...], "row_count"}} (a transaction:
 * {@code {"results": [...]}}). Classified by SQLSTATE: data (22), integrity (23) and syntax or
 * access (42) errors are the caller's and answered 422, as is a parameter of the wrong type;
 * everything else is the database's failure.
 */
final class PgAdapter implements DependencyAdapter {

  private static final Set<String> QUERY_KEYS = Set.of("sql", "params");

  private final Pool pool;

  PgAdapter(Vertx vertx, JsonObject d) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(d.getString("host", "127.0.0.1"))
        .setPort(d.getInteger("port", 5432))
        .setDatabase(d.getString("database"))
        .setUser(d.getString("user", "postgres"))
        .setPassword(d.getString("password", ""))
        .setProperties(Map.of("application_name", "fusebox"));
    PoolOptions pool = new PoolOptions()
        .setMaxSize(d.getInteger("pool_size", PgAdapterFactory.DEFAULT_POOL_SIZE))
        .setMaxWaitQueueSize(d.getInteger("max_wait_queue", PgAdapterFactory.DEFAULT_MAX_WAIT_QUEUE))
        .setIdleTimeout((int) Durations.parse(d.getString("idle_timeout", PgAdapterFactory.DEFAULT_IDLE_TIMEOUT)).toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    NetClientOptions tcp = new NetClientOptions()
        .setConnectTimeout((int) Durations.parse(d.getString("connect_timeout", PgAdapterFactory.DEFAULT_CONNECT_TIMEOUT)).toMillis());
    this.pool = PgBuilder.pool().with(pool).with(tcp).connectingTo(connect).using(vertx).build();
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
    String head = sql.stripLeading().toLowerCase();
    boolean read = head.startsWith("select") || head.startsWith("values") || head.startsWith("table");
    return read ? sql + "\u0000" + op.getJsonArray("params", new JsonArray()).encode() : null;
  }

  @Override
  public Future<CallResult> call(JsonObject op, long timeoutMillis, String traceparent) {
    Future<JsonObject> reply;
    if (op.containsKey("tx")) {
      JsonArray tx = op.getJsonArray("tx");
      reply = pool.withTransaction(conn -> runInOrder(conn, tx, 0, new ArrayList<>()))
          .map(results -> new JsonObject().put("results", new JsonArray(results)));
    } else {
      reply = run(pool, op);
    }
    return reply.transform(ar -> ar.succeeded()
        ? Future.succeededFuture(CallResult.success(ar.result()))
        : classify(ar.cause()));
  }

  private static Future<List<JsonObject>> runInOrder(SqlClient conn, JsonArray statements, int index, List<JsonObject> done) {
    if (index == statements.size()) {
      return Future.succeededFuture(done);
    }
    return run(conn, statements.getJsonObject(index)).compose(result -> {
      done.add(result);
      return runInOrder(conn, statements, index + 1, done);
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

  /** SQLSTATE classes 22, 23 and 42 are the caller's mistakes; the rest, and any non-SQL error, are failures. */
  static Future<CallResult> classify(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      String state = pg.getSqlState();
      String detail = "SQLSTATE " + state + ": " + pg.getErrorMessage();
      if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42")) {
        return Future.succeededFuture(CallResult.rejected(detail));
      }
      return Future.succeededFuture(CallResult.failure(detail));
    }
    String message = String.valueOf(failure.getMessage());
    // parameters of the wrong type or number, refused by the client before anything was sent; the
    // client gives these no code, only this text
    if (message.contains("can not be coerced") || message.contains("number of parameters")) {
      return Future.succeededFuture(CallResult.rejected(message));
    }
    return Future.failedFuture(failure);
  }

  @Override
  public Future<Void> probe(long timeoutMillis) {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }
}
