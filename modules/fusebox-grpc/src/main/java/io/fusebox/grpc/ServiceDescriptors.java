package io.fusebox.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds a service in a descriptor set, building each file after the files it imports. */
final class ServiceDescriptors {

  /** Imports a descriptor set may leave out: protobuf's well-known types. */
  private static final List<FileDescriptor> WELL_KNOWN = List.of(
      Timestamp.getDescriptor().getFile(), Duration.getDescriptor().getFile(),
      Empty.getDescriptor().getFile(), Struct.getDescriptor().getFile(),
      StringValue.getDescriptor().getFile(), Any.getDescriptor().getFile(),
      FieldMask.getDescriptor().getFile());

  private ServiceDescriptors() {
  }

  static Descriptors.ServiceDescriptor find(byte[] descriptorSet, String serviceName) throws Exception {
    FileDescriptorSet set = FileDescriptorSet.parseFrom(descriptorSet);
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    set.getFileList().forEach(f -> protos.put(f.getName(), f));
    Map<String, FileDescriptor> built = new HashMap<>();
    WELL_KNOWN.forEach(f -> built.put(f.getName(), f));
    for (FileDescriptorProto proto : set.getFileList()) {
      FileDescriptor file = build(proto.getName(), protos, built);
      Descriptors.ServiceDescriptor service = file.findServiceByName(simpleName(serviceName, file.getPackage()));
      if (service != null && service.getFullName().equals(serviceName)) {
        return service;
      }
    }
    throw new IllegalArgumentException("no service " + serviceName + " in the descriptor set");
  }

  /** The full names of the services a descriptor set holds; none when it cannot be read. */
  static List<String> names(byte[] descriptorSet) {
    try {
      return FileDescriptorSet.parseFrom(descriptorSet).getFileList().stream()
          .flatMap(f -> f.getServiceList().stream().map(s -> f.getPackage().isEmpty() ? s.getName() : f.getPackage() + "." + s.getName()))
          .toList();
    } catch (IOException notADescriptorSet) {
      return List.of();
    }
  }

  private static String simpleName(String full, String pkg) {
    return pkg.isEmpty() || !full.startsWith(pkg + ".") ? full : full.substring(pkg.length() + 1);
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built)
      throws Descriptors.DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      throw new IllegalArgumentException("the descriptor set lacks " + name + "; build it with --include_imports");
    }
    FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
    for (int i = 0; i < dependencies.length; i++) {
      dependencies[i] = build(proto.getDependency(i), protos, built);
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
    built.put(name, file);
    return file;
  }
}
