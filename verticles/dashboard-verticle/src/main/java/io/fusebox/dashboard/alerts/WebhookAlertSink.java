package io.fusebox.dashboard.alerts;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.config.Redacted;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts POSTed to a URL, one at a time and in order: a failed delivery (no answer within the
 * timeout, a refused connection, a status other than 2xx) is tried again after a backoff that
 * doubles, up to {@code max_attempts}; at most {@code queue} alerts wait meanwhile, and beyond that
 * the oldest is dropped, since the newest says most about now. Only the URL's origin is ever
 * logged: a webhook's path and headers are its secrets.
 */
final class WebhookAlertSink implements AlertSink {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
  private static final long MAX_BACKOFF_MILLIS = 5 * 60_000;

  private final Vertx vertx;
  private final FuseboxConfig.AlertSink config;
  private final String origin;
  private final RequestOptions post;
  private final HttpClient client;
  private final ArrayDeque<Alert> waiting = new ArrayDeque<>();
  private boolean sending;
  private boolean closed;
  private long retryTimer = -1;
  private long dropped;
  private long delivered;
  private long failedAttempts;
  private long gaveUp;
  /** The last attempt's outcome, for the dashboard; null before the first. */
  private JsonObject last;

  WebhookAlertSink(Vertx vertx, FuseboxConfig.AlertSink config) {
    this.vertx = vertx;
    this.config = config;
    this.origin = Redacted.origin(config.url());
    URI uri = URI.create(config.url());
    boolean ssl = "https".equals(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    // the whole-request deadline is the idle timeout, not the pool's acquisition timeout: one alert
    // is sent at a time, so no request ever waits for a connection
    post = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(port).setSsl(ssl)
        .setURI(path).setIdleTimeout(config.timeout().toMillis()).putHeader("content-type", "application/json");
    for (Map.Entry<String, String> header : config.headers().entrySet()) {
      post.putHeader(header.getKey(), header.getValue());
    }
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) config.timeout().toMillis())
        .setKeepAlive(true));
  }

  @Override
  public void send(Alert alert) {
    if (closed) {
      return;
    }
    if (waiting.size() >= config.queue()) {
      waiting.pollFirst();
      if (dropped++ % 100 == 0) {
        LOG.warn("alerts to {}: {} waiting, the oldest dropped ({} so far)", origin, config.queue(), dropped);
      }
    }
    waiting.addLast(alert);
    if (!sending) {
      sendNext();
    }
  }

  private void sendNext() {
    Alert next = waiting.pollFirst();
    if (next == null || closed) {
      sending = false;
      return;
    }
    sending = true;
    attempt(next, body(next), 1);
  }

  /** @param body the alert as sent, encoded once for all its attempts */
  private void attempt(Alert alert, Buffer body, int attempt) {
    client.request(post)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
            delivered++;
            last = outcome(alert, "delivered", "status " + ar.result().statusCode(), attempt);
            sendNext();
            return;
          }
          String why = ar.succeeded() ? "status " + ar.result().statusCode() : describe(ar.cause());
          failedAttempts++;
          if (attempt >= config.maxAttempts() || closed) {
            gaveUp++;
            last = outcome(alert, "gave_up", why, attempt);
            LOG.warn("alerts to {}: gave up on a {} alert for {} after {} attempt(s), last: {}", origin,
                alert.kind().wireName, alert.breaker(), attempt, why);
            sendNext();
            return;
          }
          long backoff = Math.min(MAX_BACKOFF_MILLIS, config.initialBackoff().toMillis() << Math.min(20, attempt - 1));
          last = outcome(alert, "retrying", why, attempt).put("retry_in_ms", backoff);
          LOG.info("alerts to {}: attempt {} of {} failed ({}), again in {} ms", origin, attempt, config.maxAttempts(),
              why, backoff);
          retryTimer = vertx.setTimer(backoff, id -> {
            retryTimer = -1;
            attempt(alert, body, attempt + 1);
          });
        });
  }

  private static JsonObject outcome(Alert alert, String outcome, String detail, int attempt) {
    return new JsonObject().put("at", System.currentTimeMillis()).put("outcome", outcome).put("detail", detail)
        .put("attempt", attempt).put("kind", alert.kind().wireName).put("breaker", alert.breaker());
  }

  @Override
  public JsonObject status() {
    JsonObject status = new JsonObject().put("type", "webhook").put("target", origin).put("format", config.format())
        .put("delivered", delivered).put("waiting", waiting.size() + (sending ? 1 : 0))
        .put("failed_attempts", failedAttempts).put("gave_up", gaveUp).put("dropped", dropped);
    if (last != null) {
      status.put("last", last);
    }
    return status;
  }

  /** A failure for the log, without the path it may name (Vert.x's timeout message does). */
  private String describe(Throwable failure) {
    String message = failure.getMessage();
    if (message != null) {
      message = message.replace(post.getURI(), "(path hidden)");
    }
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private Buffer body(Alert alert) {
    JsonObject json = "slack".equals(config.format()) ? new JsonObject().put("text", "Fusebox: " + alert.text())
        : alert.toJson();
    return json.toBuffer();
  }

  @Override
  public void close() {
    closed = true;
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
    }
    if (!waiting.isEmpty()) {
      LOG.warn("alerts to {}: {} alert(s) not sent, the node is stopping", origin, waiting.size());
      waiting.clear();
    }
    client.close();
  }
}
