package io.fusebox.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example's descriptor set is the one the build makes from the example's .proto, and it describes the agent. */
class ExampleDescriptorTest {

  private static final Path COMMITTED = Path.of("../../conf/examples/edge.desc");
  private static final Path BUILT = Path.of("target/examples/edge.desc");

  @Test
  void theCommittedDescriptorSetIsTheOneBuiltFromEdgeProto() throws Exception {
    assertThat(Files.readAllBytes(COMMITTED))
        .as("conf/examples/edge.desc is stale: copy target/examples/edge.desc over it after changing edge.proto")
        .isEqualTo(Files.readAllBytes(BUILT));
  }

  @Test
  void itDescribesTheAgentOfTheExample() throws Exception {
    Descriptors.ServiceDescriptor agent = ServiceDescriptors.find(Files.readAllBytes(COMMITTED), "acme.edge.Agent");
    assertThat(agent.getMethods()).extracting(Descriptors.MethodDescriptor::getName).containsExactly("Status", "Configure");
  }
}
