package io.fusebox.vertx;

import io.fusebox.pg.SqlStates;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * A {@link SqlClient} (a {@link Pool}, say) whose statements go through a breaker, classified by
 * SQLSTATE as the PostgreSQL adapter does: data (22), integrity (23) and syntax or access (42)
 * errors, and parameters the client refuses, are the caller's (counted as ignored); every other
 * error is a failure.
 *
 * <p>At the breaker's deadline the caller is answered with a timeout, but the statement runs on
 * and holds its connection until the server ends it: give the pool's connections a
 * {@code statement_timeout} no longer than the breaker's call timeout (the PostgreSQL adapter of a
 * breaker verticle cancels the statement itself).
 */
public final class FuseboxSqlClient {

  private static final Classifier SQL = (result, failure) ->
      failure == null ? Outcome.SUCCESS : SqlStates.callersMistake(failure) ? Outcome.IGNORED : Outcome.FAILURE;

  private final SqlClient client;
  private final FuseboxBreaker breaker;

  private FuseboxSqlClient(SqlClient client, FuseboxBreaker breaker) {
    this.client = client;
    this.breaker = breaker;
  }

  public static FuseboxSqlClient wrap(SqlClient client, FuseboxBreaker breaker) {
    return new FuseboxSqlClient(client, breaker);
  }

  public SqlClient client() {
    return client;
  }

  public Future<RowSet<Row>> query(String sql) {
    return breaker.execute(() -> client.query(sql).execute(), SQL);
  }

  public Future<RowSet<Row>> preparedQuery(String sql, Tuple params) {
    return breaker.execute(() -> client.preparedQuery(sql).execute(params), SQL);
  }

  /** One transaction of a pool as one call: it counts as its outcome, commit or rollback included. */
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    if (!(client instanceof Pool pool)) {
      throw new IllegalStateException("transactions need a Pool (got " + client.getClass().getSimpleName() + ")");
    }
    return breaker.execute(() -> pool.withTransaction(work), SQL);
  }
}
