package io.fusebox.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusebox.config.ConfigException;
import io.fusebox.config.ConfigLoader;
import io.fusebox.config.FuseboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gRPC dependency whose descriptor set or service could not work is refused before the node starts. */
class GrpcConfigTest {

  private static final Path EXAMPLES = Path.of("../../conf/examples").toAbsolutePath().normalize();

  private static String service(String descriptorSet, String service) {
    return """
        circuit_breakers:
          services:
            agent:
              dependency: { type: grpc, port: 50051, descriptor_set: "%s", service: %s }
        """.formatted(descriptorSet, service);
  }

  @Test
  void aRelativeDescriptorSetIsRelativeToTheConfigurationFile() throws Exception {
    Path file = Files.createTempFile(EXAMPLES, "grpc-test", ".yaml");
    try {
      Files.writeString(file, service("edge.desc", "acme.edge.Agent"));
      FuseboxConfig config = new ConfigLoader().load(file, Map.of());
      assertThat(config.services().get(0).dependency().get("descriptor_set")).isEqualTo(EXAMPLES.resolve("edge.desc").toString());
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void aMissingDescriptorSetIsRefusedWithItsKeyPath() {
    assertThatThrownBy(() -> new ConfigLoader().parse(service("/nowhere/agent.desc", "acme.edge.Agent"), false, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "circuit_breakers.services.agent.dependency.descriptor_set: cannot read the file (got /nowhere/agent.desc,"
                + " expected a descriptor set made with protoc --include_imports --descriptor_set_out)"));
  }

  @Test
  void aServiceTheDescriptorSetLacksIsRefusedNamingTheOnesItHas() {
    assertThatThrownBy(() -> new ConfigLoader().parse(service(EXAMPLES.resolve("edge.desc").toString(), "acme.edge.Nope"),
        false, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "circuit_breakers.services.agent.dependency.service: not found in the descriptor set (got acme.edge.Nope,"
                + " expected one of acme.edge.Agent)"));
  }
}
