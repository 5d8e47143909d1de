package io.fusebox.grpc;

import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.listOf;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.config.DependencyKind;
import io.fusebox.config.MemberKeys;
import io.fusebox.config.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code dependency: { type: grpc, host, port, descriptor_set, service, max_stream_messages,
 * write_methods }}: a service described by a protobuf descriptor set ({@code protoc
 * --descriptor_set_out}), called with JSON messages.
 *
 * <p>The configuration's side of the kind: its keys and what would fail at start; {@link GrpcAdapterFactory}
 * makes the adapters.
 */
public final class GrpcKind implements DependencyKind {

  @Override
  public String type() {
    return "grpc";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .field("host", string())
        .required("port", integer(1, 65_535))
        .required("descriptor_set", string())
        .required("service", string())
        .field("max_stream_messages", integer(1, 1_000_000))
        .field("write_methods", listOf(string()))
        .field("targets", MemberKeys.hostsAndPorts())
        .field("ejection", MemberKeys.ejection());
  }

  /** A relative {@code descriptor_set} is relative to the configuration file. */
  @Override
  public void resolvePaths(Map<String, Object> dependency, Path configDirectory) {
    if (dependency.get("descriptor_set") instanceof String file && !Path.of(file).isAbsolute()) {
      dependency.put("descriptor_set", configDirectory.resolve(file).normalize().toString());
    }
  }

  /** The descriptor set can be read and holds the service: otherwise every call would fail at start. */
  @Override
  public void checkTogether(String path, Map<?, ?> dependency, List<String> problems) {
    String file = (String) dependency.get("descriptor_set");
    String service = (String) dependency.get("service");
    byte[] descriptorSet;
    try {
      descriptorSet = Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      problems.add(path + ".descriptor_set: cannot read the file (got " + file
          + ", expected a descriptor set made with protoc --include_imports --descriptor_set_out)");
      return;
    }
    try {
      ServiceDescriptors.find(descriptorSet, service);
    } catch (Exception e) {
      problems.add(path + ".service: not found in the descriptor set (got " + service + ", expected one of "
          + String.join(", ", ServiceDescriptors.names(descriptorSet)) + ")");
    }
  }
}
