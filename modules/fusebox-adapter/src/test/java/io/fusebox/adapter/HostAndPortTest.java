package io.fusebox.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostAndPortTest {

  @Test
  void aMemberIsReadAndLabelledAsConfigured() {
    HostAndPort replica = HostAndPort.parse("db-replica-2.internal:5433");
    assertThat(replica.host()).isEqualTo("db-replica-2.internal");
    assertThat(replica.port()).isEqualTo(5433);
    assertThat(replica).hasToString("db-replica-2.internal:5433");
  }

  @Test
  void thePortIsAfterTheLastColon() {
    assertThat(HostAndPort.parse("::1:8080")).isEqualTo(new HostAndPort("::1", 8080));
  }

  @Test
  void aMemberWithoutAHostOrPortIsRefusedByName() {
    assertThatThrownBy(() -> HostAndPort.parse("replica")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'replica'");
    assertThatThrownBy(() -> HostAndPort.parse(":5432")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostAndPort.parse("db:port")).isInstanceOf(NumberFormatException.class);
  }
}
