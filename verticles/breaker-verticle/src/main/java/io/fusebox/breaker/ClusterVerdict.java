package io.fusebox.breaker;

import io.fusebox.config.FuseboxConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster's verdict on one breaker, as this instance sees it. Every instance judges alone and
 * reports its own verdict (open by its own detectors, or not) in its snapshots; once a quorum of
 * the live instances is open, every instance opens, and only one of them, the live instance with
 * the lowest node name, probes. A report not renewed within the time-to-live (a dead node) expires.
 */
final class ClusterVerdict {

  private record Report(boolean open, long heardAtMillis) {
  }

  private final String self;
  private final FuseboxConfig.Verdict rule;
  private final long ttlMillis;
  private final Map<String, Report> reports = new HashMap<>();

  ClusterVerdict(String self, FuseboxConfig.Verdict rule, long ttlMillis) {
    this.self = self;
    this.rule = rule;
    this.ttlMillis = ttlMillis;
  }

  void hear(String node, boolean open) {
    reports.put(node, new Report(open, System.currentTimeMillis()));
  }

  /** Forgets every open verdict: the cluster's prober has closed the breaker. */
  void closed() {
    long now = System.currentTimeMillis();
    reports.replaceAll((node, r) -> new Report(false, now));
  }

  private void expire() {
    long now = System.currentTimeMillis();
    reports.values().removeIf(r -> now - r.heardAtMillis > ttlMillis);
  }

  int live() {
    expire();
    return reports.size();
  }

  int open() {
    expire();
    return (int) reports.values().stream().filter(Report::open).count();
  }

  /** Open instances it takes: the quorum, or the ratio of the live ones (at least 2: never one node's say). */
  int needed() {
    int live = live();
    int needed = rule.quorum() > 0 ? rule.quorum() : (int) Math.ceil(rule.quorumRatio() * live);
    return Math.max(2, needed);
  }

  boolean reached() {
    return open() >= needed();
  }

  /** Whether this instance is the one that probes while the verdict is open. */
  boolean prober() {
    expire();
    return reports.keySet().stream().sorted().findFirst().map(self::equals).orElse(true);
  }

  /** E.g. {@code quorum 2/3 open}. */
  String reason() {
    return "quorum " + open() + "/" + live() + " open";
  }
}
