package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ErrorClassesTest {

  @Test
  void aDetailsKindIsWhatComesBeforeItsFirstColon() {
    assertThat(ErrorClasses.ofDetail("HTTP 503")).isEqualTo("HTTP 503");
    assertThat(ErrorClasses.ofDetail("SQLSTATE 08006: connection failure")).isEqualTo("SQLSTATE 08006");
    assertThat(ErrorClasses.ofDetail("UNAVAILABLE: io exception")).isEqualTo("UNAVAILABLE");
    assertThat(ErrorClasses.ofDetail(null)).isEqualTo("unknown");
    assertThat(ErrorClasses.ofDetail("x".repeat(200))).hasSize(48);
  }

  @Test
  void aFrequentKindIsKeptWhenManyRareOnesComeAndGo() {
    ErrorClasses errors = new ErrorClasses();
    for (int i = 0; i < 1000; i++) {
      errors.count("HTTP 503");
      errors.count("rare " + i);
    }
    JsonArray top = errors.top(1);
    assertThat(top.getJsonObject(0).getString("class")).isEqualTo("HTTP 503");
    assertThat(top.getJsonObject(0).getLong("count")).isEqualTo(1000);
    assertThat(errors.top(10)).hasSize(ErrorClasses.TRACKED);
  }

  @Test
  void clearedItKnowsNothing() {
    ErrorClasses errors = new ErrorClasses();
    errors.count("timeout");
    errors.clear();
    assertThat(errors.isEmpty()).isTrue();
    errors.count("HTTP 500");
    assertThat(errors.top(5)).isEqualTo(new JsonArray().add(new JsonObject().put("class", "HTTP 500").put("count", 1)));
  }
}
