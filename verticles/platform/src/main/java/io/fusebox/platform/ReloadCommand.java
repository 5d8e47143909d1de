package io.fusebox.platform;

import io.fusebox.platform.CommandLine.UsageException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code fusebox reload}: asks a running node, through its admin API, to read its configuration
 * file again. Prints what changed; a refused file (exit 2) changed nothing, and the problems are
 * printed one per line as {@code fusebox validate} would.
 */
final class ReloadCommand {

  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  static final String TOKEN_VARIABLE = "FUSEBOX_TOKEN";

  private ReloadCommand() {
  }

  static int run(CommandLine line, Map<String, String> env, PrintStream out, PrintStream err) throws UsageException {
    String reason = line.option("--reason", null);
    if (reason == null || reason.isBlank()) {
      throw new UsageException("needs --reason, for the audit trail, e.g. --reason 'raise the pool for the sale'");
    }
    String token = line.option("--token", env.get(TOKEN_VARIABLE));
    if (token == null || token.isBlank()) {
      throw new UsageException("needs an operator's token: --token TOKEN or the environment variable " + TOKEN_VARIABLE);
    }
    URI uri;
    try {
      uri = URI.create(line.option("--url", DEFAULT_URL).replaceAll("/+$", "") + "/api/reload?reason="
          + URLEncoder.encode(reason, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url must be the node's HTTP address, such as " + DEFAULT_URL + " (" + e.getMessage() + ")");
    }
    HttpResponse<String> response;
    try {
      response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("fusebox reload: cannot reach " + uri.getScheme() + "://" + uri.getAuthority() + " (" + e + "); is the node running?");
      return Fusebox.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Fusebox.FAILED;
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (DecodeException e) {
      err.println("fusebox reload: HTTP " + response.statusCode() + ": " + response.body());
      return Fusebox.FAILED;
    }
    if (response.statusCode() == 200) {
      out.println(body.encodePrettily());
      return body.getJsonArray("failed", new JsonArray()).isEmpty() ? Fusebox.OK : Fusebox.FAILED;
    }
    err.println("fusebox reload: " + body.getString("error") + " (HTTP " + response.statusCode() + ")");
    String detail = body.getString("detail", "");
    if ("invalid_config".equals(body.getString("error"))) {
      int colon = detail.indexOf(": ");
      err.println("  " + detail.substring(0, colon + 1));
      for (String problem : detail.substring(colon + 2).split("; ")) {
        err.println("  " + problem);
      }
      return Fusebox.USAGE;
    }
    err.println("  " + detail);
    return Fusebox.FAILED;
  }
}
