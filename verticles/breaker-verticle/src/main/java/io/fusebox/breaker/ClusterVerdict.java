package io.fusebox.breaker;

import io.fusebox.config.FuseboxConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster's verdict on one breaker, as this instance sees it. Every instance judges alone and
 * reports its own verdict (open by its own detectors, or not) in its snapshots; once a quorum of
 * the live instances is open, every instance opens, and only one of them, the live instance with
 * the lowest node name, probes. A report not renewed within the time-to-live (a dead node, or one
 * on the far side of a partition) no longer counts as open or live.
 *
 * <p>A ratio is of the instances known, not of those heard lately: an instance that fell silent
 * still counts for {@code forget_after}. Cut off from the rest, a side would otherwise judge by
 * itself alone, and two nodes of five, both open, would be "a quorum of 50%" and open every
 * instance they reach on their own word. A node gone for good stops counting after that time.
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

  private long forgetAfterMillis() {
    return Math.max(ttlMillis, rule.forgetAfter().toMillis());
  }

  /** Forgets every open verdict: the cluster's prober has closed the breaker. */
  void closed() {
    long now = System.currentTimeMillis();
    reports.replaceAll((node, r) -> new Report(false, now));
  }

  /** Instances heard within {@code forget_after}: the ones a ratio is of. */
  int known() {
    long now = System.currentTimeMillis();
    long forgetAfter = forgetAfterMillis();
    reports.values().removeIf(r -> now - r.heardAtMillis > forgetAfter);
    return reports.size();
  }

  private boolean liveAt(Report r, long now) {
    return now - r.heardAtMillis <= ttlMillis;
  }

  int live() {
    long now = System.currentTimeMillis();
    return (int) reports.values().stream().filter(r -> liveAt(r, now)).count();
  }

  int open() {
    long now = System.currentTimeMillis();
    return (int) reports.values().stream().filter(r -> r.open && liveAt(r, now)).count();
  }

  /** Open instances it takes: the quorum, or the ratio of the known ones (at least 2: never one node's say). */
  int needed() {
    int needed = rule.quorum() > 0 ? rule.quorum() : (int) Math.ceil(rule.quorumRatio() * known());
    return Math.max(2, needed);
  }

  boolean reached() {
    return open() >= needed();
  }

  /** Whether this instance is the one that probes while the verdict is open. */
  boolean prober() {
    long now = System.currentTimeMillis();
    return reports.entrySet().stream().filter(e -> liveAt(e.getValue(), now)).map(Map.Entry::getKey).sorted()
        .findFirst().map(self::equals).orElse(true);
  }

  /** E.g. {@code quorum 2/3 open}. */
  String reason() {
    return "quorum " + open() + "/" + known() + " open";
  }
}
