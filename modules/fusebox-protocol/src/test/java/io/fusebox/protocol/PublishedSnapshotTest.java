package io.fusebox.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusebox.core.BreakerState;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PublishedSnapshotTest {

  @Test
  void readsBackExactlyWhatItPublishes() {
    PublishedSnapshot sent = Snapshots.of("orders", "n1", BreakerState.OPEN, 1_700_000_030_000L, true);
    PublishedSnapshot read = PublishedSnapshot.fromJson(new JsonObject(sent.toJson().encode()));
    assertThat(read).isEqualTo(sent);
    assertThat(read.fallback().answers()).isTrue();
    assertThat(read.verdictOpen()).isFalse();
  }

  @Test
  void publishesTheDocumentedShape() {
    JsonObject json = Snapshots.of("orders", "n1", BreakerState.CLOSED, 0, false).toJson();
    assertThat(json.fieldNames()).containsExactlyInAnyOrder("breaker", "node", "kind", "dependency", "state", "since", "calls",
        "failure_rate", "slow_call_rate", "window_calls", "latency_ms", "open_timeout_ms", "backoff_level",
        "retry_at", "fallback", "thresholds");
    assertThat(json.getJsonObject("calls").fieldNames())
        .containsExactlyInAnyOrder("success", "failure", "ignored", "rejected", "timeout", "fallback");
    assertThat(json.getJsonObject("thresholds").getValue("slow_call_rate")).as("a detector that is off").isNull();
    assertThat(json.getJsonObject("thresholds").containsKey("slow_call_rate")).isTrue();
  }

  @Test
  void aSnapshotWithoutKindIsAnOlderNodesVerticle() {
    JsonObject older = Snapshots.of("orders", "n1", BreakerState.CLOSED, 0, false).toJson();
    older.remove("kind");
    assertThat(PublishedSnapshot.fromJson(older).kind()).isEqualTo(PublishedSnapshot.VERTICLE);
  }

  @Test
  void aVerdictIsPublishedOnlyWhenThereIsOne() {
    PublishedSnapshot s = Snapshots.of("orders", "n1", BreakerState.CLOSED, 0, false);
    PublishedSnapshot withVerdict = new PublishedSnapshot(s.core(), s.node(), s.kind(), s.dependency(), s.fallback(),
        s.thresholds(), "open");
    assertThat(withVerdict.toJson().getString("verdict")).isEqualTo("open");
    assertThat(PublishedSnapshot.fromJson(withVerdict.toJson()).verdictOpen()).isTrue();
  }

  @Test
  void refusesWhatIsNotASnapshotItCanRead() {
    JsonObject good = Snapshots.of("orders", "n1", BreakerState.CLOSED, 0, false).toJson();
    assertThatThrownBy(() -> PublishedSnapshot.fromJson(good.copy().put("state", "melting")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("melting");
    assertThatThrownBy(() -> PublishedSnapshot.fromJson(good.copy().put("calls", "many")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a breaker snapshot");
    JsonObject noNode = good.copy();
    noNode.remove("node");
    assertThatThrownBy(() -> PublishedSnapshot.fromJson(noNode)).hasMessageContaining("no node");
    assertThatThrownBy(() -> PublishedSnapshot.fromJson(new JsonObject().put("breaker", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
