package io.fusebox.protocol;

/** The event-bus addresses of DESIGN.md. */
public final class Addresses {

  /** Request/reply: {@code fusebox.call.<breaker>} runs one operation through that breaker. */
  public static final String CALL_PREFIX = "fusebox.call.";
  /**
   * Request/reply, in a cluster: {@code fusebox.call.<breaker>@<node>} reaches that node's instance
   * of the breaker only, so that a caller knows which node holds its call.
   */
  public static final char INSTANCE_SEPARATOR = '@';

  /**
   * Publish: {@code {"event": "node_left", "node", "at"}} from each node that saw a member leave the
   * cluster, so that callers answer the calls it held at once instead of at their send timeout.
   */
  public static final String MEMBERS = "fusebox.members";

  /** Request/reply: {@code {"action", "breaker"}}; acts on every instance in the cluster. */
  public static final String ADMIN = "fusebox.admin";
  /** Publish: one transition event per state change. */
  public static final String EVENTS = "fusebox.events";
  /** Publish: one snapshot per breaker instance per interval, and at once on a transition. */
  public static final String SNAPSHOTS = "fusebox.snapshots";
  /**
   * Publish, no body: a reader of {@link #SNAPSHOTS} that just started asks every breaker for its
   * snapshot now instead of at its next sign of life.
   */
  public static final String SNAPSHOTS_WANTED = "fusebox.snapshots.wanted";
  /** Publish, local to a node: every breaker of the node publishes its snapshot now. */
  public static final String SNAPSHOTS_WANTED_HERE = "fusebox.snapshots.wanted.here";
  /**
   * Publish, internal: an admin action fanned out to every instance of one breaker, so that a
   * request answered by one node still reaches the instances on all nodes.
   */
  public static final String ADMIN_APPLY_PREFIX = "fusebox.admin.apply.";

  /**
   * Publish, internal: the prober of a breaker under a cluster verdict closed it, so every
   * instance closes.
   */
  public static final String VERDICT_PREFIX = "fusebox.verdict.";

  /**
   * Publish, internal: {@code {"node", "firsts", "retries"}}, an instance's first attempts and
   * retries of the last ten seconds, four times a second, for a breaker whose instances share a retry budget.
   */
  public static final String RETRY_BUDGET_PREFIX = "fusebox.retry.budget.";

  /**
   * Request/reply, local to a node: a control a verticle offers the dashboard page
   * ({@code GET, POST /api/controls/<name>}); the demo's upstream is {@code demo-upstream}.
   */
  public static final String CONTROL_PREFIX = "fusebox.control.";

  /**
   * Request/reply, local to a node: {@code {"by", "reason"}} reads the node's configuration file
   * again and brings its breakers to it; the reply says what changed.
   */
  public static final String RELOAD = "fusebox.reload";

  /** Publish: one {@code config_changed} event each time a node's breakers took a new configuration. */
  public static final String CONFIG = "fusebox.config";

  /**
   * Request/reply: {@code fusebox.history.<node>} answers for that node's breaker instances,
   * {@code {"query": "minutes", "breaker", "from", "to"}} with their one-minute history and
   * {@code {"query": "transitions", "since", "breaker"}} with their transitions.
   */
  public static final String HISTORY_PREFIX = "fusebox.history.";

  /**
   * Request/reply: {@code fusebox.alerts.<node>} answers with what that node's alerts do now, its
   * sinks (where they deliver, never a URL's path or a header), the breakers flapping and the recent
   * alerts: {@code {"node", "sinks": [...], "flapping": [...], "recent": [...]}}.
   */
  public static final String ALERTS_PREFIX = "fusebox.alerts.";

  /**
   * Send, local to a node: one entry of its audit trail ({@code {"at", "by", "action", "reason",
   * "result", ...}}), which the node's history keeps and saves.
   */
  public static final String AUDIT = "fusebox.audit";

  private Addresses() {
  }

  public static String call(String breaker) {
    return CALL_PREFIX + breaker;
  }

  /** The address of one node's instance of a breaker. */
  public static String callOn(String breaker, String node) {
    return CALL_PREFIX + breaker + INSTANCE_SEPARATOR + node;
  }

  public static String history(String node) {
    return HISTORY_PREFIX + node;
  }

  public static String alerts(String node) {
    return ALERTS_PREFIX + node;
  }

  public static String adminApply(String breaker) {
    return ADMIN_APPLY_PREFIX + breaker;
  }

  public static String retryBudget(String breaker) {
    return RETRY_BUDGET_PREFIX + breaker;
  }
}
