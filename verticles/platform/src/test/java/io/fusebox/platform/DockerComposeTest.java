package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fusebox.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so docker-compose.yml is checked for its structure: the services,
 * their images, health checks, loopback-only ports, and that every file it mounts exists.
 */
class DockerComposeTest {

  private static final Path ROOT = Path.of("../..");

  @Test
  @SuppressWarnings("unchecked")
  void theComposeFileDescribesTheWholePlatform() throws Exception {
    Map<String, Object> compose = new ObjectMapper(new YAMLFactory()).readValue(ROOT.resolve("docker-compose.yml").toFile(), Map.class);
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services).containsOnlyKeys("postgres", "redis", "upstream", "fusebox-a", "fusebox-b", "prometheus", "grafana");
    services.forEach((name, service) -> {
      assertThat(service.get("image")).as(name + " image").isInstanceOf(String.class);
      for (Object port : (List<Object>) service.getOrDefault("ports", List.of())) {
        assertThat(String.valueOf(port)).as(name + " publishes on loopback only").startsWith("127.0.0.1:");
      }
      for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
        String host = String.valueOf(volume).split(":")[0];
        if (host.startsWith("./") && !host.contains("/target/")) {
          assertThat(ROOT.resolve(host)).as(name + " mounts " + host).exists();
        }
      }
    });
    for (String healthy : List.of("postgres", "redis", "upstream", "fusebox-a", "fusebox-b")) {
      assertThat(services.get(healthy)).as(healthy + " has a health check").containsKey("healthcheck");
    }
    assertThat(services.get("fusebox-b").get("depends_on").toString()).contains("fusebox-a");
  }

  @Test
  void theNodesConfigurationIsValid() throws Exception {
    var config = new ConfigLoader().load(ROOT.resolve("conf/compose/node.yaml"),
        Map.of("FUSEBOX_NODE_NAME", "node-a", "FUSEBOX_CLUSTER_HOST", "fusebox-a"));
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().members()).containsExactly("fusebox-a:5701", "fusebox-b:5701");
    assertThat(config.services()).extracting(s -> s.dependencyType()).containsExactly("http", "pg", "redis");
    assertThat(new ConfigLoader().load(ROOT.resolve("conf/compose/upstream.yaml"), Map.of()).verticles()).hasSize(1);
    assertThat(Files.readString(ROOT.resolve("conf/compose/prometheus.yml"))).contains("fusebox-a:8080", "fusebox-b:8080");
  }
}
