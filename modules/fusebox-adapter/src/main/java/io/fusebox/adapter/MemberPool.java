package io.fusebox.adapter;

import io.fusebox.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The members of one dependency (several hosts of an HTTP service, replicas), each watched by its
 * own outlier detector: a member that fails {@code consecutive_failures} calls in a row, or whose
 * failure rate over its last {@value #RATE_WINDOW} calls stands out from the others' (more than
 * {@value #STDEV_FACTOR} standard deviations above their mean, and at least {@value #MIN_OUTLIER_RATE};
 * as in Envoy, this needs {@value #MIN_RATE_MEMBERS} members or more with a full window: among
 * fewer, one bad member cannot stand that far out), is ejected: it gets no calls for {@code base_ejection} times
 * the number of its ejections so far, up to {@code max_ejection}, then comes back on probation.
 * When fewer than {@code panic_threshold} of the members are in, the pool panics and spreads calls
 * over all of them, ejected or not: a dependency that is mostly down is the breaker's business, not
 * a reason to pile every call on the last member standing.
 *
 * <p>Used on one event loop (the adapter's), so nothing here is synchronised. Calls go round robin
 * over the members that are in.
 */
public final class MemberPool<T> {

  static final int RATE_WINDOW = 20;
  static final double MIN_OUTLIER_RATE = 0.2;
  static final double STDEV_FACTOR = 1.9;
  static final int MIN_RATE_MEMBERS = 5;

  /** What ejects a member and for how long. */
  public record Settings(int consecutiveFailures, Duration baseEjection, Duration maxEjection, double panicThreshold) {

    public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 0.5);

    /** A dependency's {@code ejection} section (validated by its kind), over the defaults; null for none. */
    public static Settings from(JsonObject ejection) {
      if (ejection == null) {
        return DEFAULT;
      }
      return new Settings(ejection.getInteger("consecutive_failures", DEFAULT.consecutiveFailures()),
          duration(ejection, "base_ejection", DEFAULT.baseEjection()),
          duration(ejection, "max_ejection", DEFAULT.maxEjection()),
          ejection.getDouble("panic_threshold", DEFAULT.panicThreshold()));
    }

    private static Duration duration(JsonObject section, String key, Duration fallback) {
      return section.containsKey(key) ? Durations.parse(section.getString(key)) : fallback;
    }
  }

  /** One member: what the adapter calls, and what the detector knows of it. */
  public static final class Member<T> {
    private final T target;
    private final String label;
    private int consecutiveFailures;
    /** The last calls' outcomes, one bit each (1 a failure), newest in bit 0. */
    private int recent;
    private int recentCount;
    private long ejectedUntilNanos;
    private int ejections;
    private long calls;

    Member(T target, String label) {
      this.target = target;
      this.label = label;
    }

    public T target() {
      return target;
    }

    public String label() {
      return label;
    }

    double failureRate() {
      return recentCount == 0 ? 0 : (double) Integer.bitCount(recent & windowMask()) / recentCount;
    }

    private int windowMask() {
      return recentCount >= 32 ? -1 : (1 << recentCount) - 1;
    }
  }

  private final List<Member<T>> members = new ArrayList<>();
  private final Settings settings;
  private final LongSupplier nanoTime;
  private int next;
  private long panics;

  public MemberPool(Settings settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
  }

  public MemberPool<T> add(T target, String label) {
    members.add(new Member<>(target, label));
    return this;
  }

  public int size() {
    return members.size();
  }

  /** The member for the next call: round robin over those in, or over all of them in a panic. */
  public Member<T> pick() {
    long now = nanoTime.getAsLong();
    int in = 0;
    for (Member<T> m : members) {
      if (m.ejectedUntilNanos <= now) {
        in++;
      }
    }
    boolean panic = in < settings.panicThreshold() * members.size();
    if (panic) {
      panics++;
    }
    for (int tried = 0; tried < members.size(); tried++) {
      Member<T> m = members.get(next);
      next = next + 1 == members.size() ? 0 : next + 1;
      if (panic || m.ejectedUntilNanos <= now) {
        m.calls++;
        return m;
      }
    }
    throw new IllegalStateException("a pool with members always has one to pick");
  }

  /** The outcome of a call to a member; a failure may eject it. */
  public void record(Member<T> member, boolean failed) {
    member.recent = (member.recent << 1) | (failed ? 1 : 0);
    member.recentCount = Math.min(RATE_WINDOW, member.recentCount + 1);
    if (!failed) {
      member.consecutiveFailures = 0;
      return;
    }
    member.consecutiveFailures++;
    long now = nanoTime.getAsLong();
    if (member.ejectedUntilNanos > now) {
      return;
    }
    if (member.consecutiveFailures >= settings.consecutiveFailures() || isRateOutlier(member)) {
      eject(member, now);
    }
  }

  private boolean isRateOutlier(Member<T> member) {
    if (member.recentCount < RATE_WINDOW) {
      return false;
    }
    double sum = 0;
    double squares = 0;
    int full = 0;
    for (Member<T> m : members) {
      if (m.recentCount >= RATE_WINDOW) {
        double rate = m.failureRate();
        sum += rate;
        squares += rate * rate;
        full++;
      }
    }
    if (full < MIN_RATE_MEMBERS) {
      return false;
    }
    double mean = sum / full;
    double stdev = Math.sqrt(Math.max(0, squares / full - mean * mean));
    double rate = member.failureRate();
    return rate >= MIN_OUTLIER_RATE && rate > mean + STDEV_FACTOR * stdev;
  }

  private void eject(Member<T> member, long now) {
    member.ejections++;
    long nanos = Math.min(settings.maxEjection().toNanos(), settings.baseEjection().toNanos() * member.ejections);
    member.ejectedUntilNanos = now + nanos;
    member.consecutiveFailures = 0;
    member.recent = 0;
    member.recentCount = 0;
  }

  /** The members as a snapshot shows them: each one's state, ejections so far and calls. */
  public JsonArray describe() {
    long now = nanoTime.getAsLong();
    JsonArray all = new JsonArray();
    for (Member<T> m : members) {
      boolean ejected = m.ejectedUntilNanos > now;
      JsonObject json = new JsonObject().put("member", m.label).put("state", ejected ? "ejected" : "in")
          .put("ejections", m.ejections).put("calls", m.calls);
      if (ejected) {
        json.put("back_in_ms", (m.ejectedUntilNanos - now + 999_999) / 1_000_000);
      }
      all.add(json);
    }
    return all;
  }

  /** Each member's target, for closing them. */
  public void forEach(Consumer<T> action) {
    members.forEach(m -> action.accept(m.target));
  }

  /** Calls spread over every member because too few were in. */
  public long panics() {
    return panics;
  }
}
