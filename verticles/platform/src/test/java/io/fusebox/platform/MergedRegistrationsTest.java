package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.multimap.MultiMap;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a node does once a merge has settled: every other node hears an addition and a removal at
 * each address it listens on (and so reads that address's consumers again), the map of consumers
 * is left as it was, and messages go on reaching the consumers.
 */
class MergedRegistrationsTest {

  private final int port = FreePorts.block(2);
  private final List<String> members = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
  private final FuseboxConfig.Cluster cluster = new FuseboxConfig.Cluster("127.0.0.1", port, members);
  private HazelcastClusterManager managerA;
  private Vertx a;
  private Vertx b;

  @AfterEach
  void close() throws Exception {
    for (Vertx node : new Vertx[] {b, a}) {
      if (node != null) {
        node.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void everyNodeHearsOfEachAddressAgainAndTheConsumersStayAsTheyWere() throws Exception {
    managerA = manager("node-a");
    a = join(managerA);
    HazelcastClusterManager managerB = manager("node-b");
    b = join(managerB);
    a.eventBus().<String>consumer("merged.x", m -> m.reply("x")).completion().await(10, TimeUnit.SECONDS);
    b.eventBus().<String>consumer("merged.y", m -> m.reply("y")).completion().await(10, TimeUnit.SECONDS);
    MultiMap<String, HazelcastRegistrationInfo> subscriptions =
        managerB.getHazelcastInstance().getMultiMap(MergedRegistrations.SUBSCRIPTIONS);
    Set<String> before = entries(subscriptions, "merged.x");
    Set<String> heardAtB = ConcurrentHashMap.newKeySet();
    subscriptions.addEntryListener(new EntryAdapter<>() {
      @Override
      public void entryAdded(EntryEvent<String, HazelcastRegistrationInfo> event) {
        heardAtB.add("added " + event.getKey());
      }

      @Override
      public void entryRemoved(EntryEvent<String, HazelcastRegistrationInfo> event) {
        heardAtB.add("removed " + event.getKey());
      }
    }, false);

    int addresses = a.executeBlocking(() -> new MergedRegistrations(a, managerA).announceAgain())
        .await(30, TimeUnit.SECONDS);

    assertThat(addresses).as("node-a's addresses, its own only").isPositive();
    Awaitility.await("node-b hears of node-a's address again").atMost(Duration.ofSeconds(10))
        .until(() -> heardAtB.containsAll(Set.of("added merged.x", "removed merged.x")));
    assertThat(heardAtB).as("node-b's own address is not node-a's to touch")
        .doesNotContain("added merged.y", "removed merged.y");
    assertThat(entries(subscriptions, "merged.x")).as("the consumers of merged.x, no marker left").isEqualTo(before);
    assertThat(b.eventBus().<String>request("merged.x", "?").await(10, TimeUnit.SECONDS).body()).isEqualTo("x");
  }

  private static Set<String> entries(MultiMap<String, HazelcastRegistrationInfo> subscriptions, String address) {
    return subscriptions.get(address).stream().map(r -> r.unwrap().toString()).collect(Collectors.toSet());
  }

  private HazelcastClusterManager manager(String node) {
    return Clustering.manager(cluster, node);
  }

  private Vertx join(HazelcastClusterManager manager) throws Exception {
    return Clustering.join(new VertxOptions(), cluster, manager).await(60, TimeUnit.SECONDS);
  }
}
