package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fusebox.store.MemoryStateStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** With {@code fusebox.log.transitions: json}, each transition is one JSON log line. */
class JsonTransitionLogTest extends BreakerTestSupport {

  private final Logger transitionsLog = (Logger) LoggerFactory.getLogger("fusebox.transitions");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @Override
  NodeServices services() {
    lines.start();
    transitionsLog.addAppender(lines);
    return new NodeServices(registry, null, true, new MemoryStateStore());
  }

  @AfterEach
  void detach() {
    transitionsLog.detachAppender(lines);
  }

  @Test
  void eachTransitionIsOneJsonLine() {
    deploy("logged", quiet().consecutiveFailures(1).build());
    upstream.failAll();
    failedGet("logged", "/l");
    awaitTransitionTo("logged", "open");
    assertThat(lines.list).hasSize(1);
    JsonObject line = new JsonObject(lines.list.get(0).getFormattedMessage());
    assertThat(line.getString("type")).isEqualTo("transition");
    assertThat(line.getString("breaker")).isEqualTo("logged");
    assertThat(line.getString("node")).isEqualTo("node-test");
    assertThat(line.getString("from")).isEqualTo("closed");
    assertThat(line.getString("to")).isEqualTo("open");
    assertThat(line.getString("reason")).isEqualTo("consecutive_failures 1>=1");
    assertThat(line.getLong("at")).isPositive();
  }
}
