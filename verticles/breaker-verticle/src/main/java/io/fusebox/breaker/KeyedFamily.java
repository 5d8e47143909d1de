package io.fusebox.breaker;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.KeyBreakers;
import io.fusebox.core.Transition;
import io.fusebox.protocol.AdminAction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A keyed breaker family on its verticle's event loop: one core breaker per key (a tenant, a host,
 * an endpoint), made at the key's first call with the service's configuration, forgotten when idle
 * for {@code idle_expiry} or, least recently used first, when more than {@code max_keys} are known.
 * The keys sit in one access-ordered map, so the least recently used are at its head: the idle ones
 * are swept from there at each snapshot, and no key has a timer. An open key moves to half-open at
 * its next call, as any breaker does. (Caffeine did the same at 140 ns a hit, its policy upkeep run
 * on the loop; a map lookup is a tenth of that.)
 *
 * <p>The family's own breaker is the gate of admin actions without a key: forced open, every key
 * is refused; disabled, every call runs without a key's verdict. A key under an admin action of
 * its own is pinned: never forgotten until closed or reset.
 */
public final class KeyedFamily {

  /** Keys listed in a snapshot: the most recently opened ones. */
  static final int LISTED_KEYS = 100;

  private final String name;
  private final KeyBreakers breakers;
  private final CircuitBreaker family;
  private final BiConsumer<String, Transition> onKeyTransition;
  /** Access-ordered: the least recently used key first. */
  private final LinkedHashMap<String, Key> keys = new LinkedHashMap<>(16, 0.75f, true);
  private int maxKeys;
  private long idleNanos;
  private final Map<String, CircuitBreaker> pinned = new HashMap<>();
  /** Keys not closed, in the order they last left closed. */
  private final LinkedHashMap<String, CircuitBreaker> notClosed = new LinkedHashMap<>();
  private String by;
  private long evicted;
  private long expired;

  public KeyedFamily(String name, BreakerConfig config, FuseboxConfig.Keyed settings, CircuitBreaker family,
      BiConsumer<String, Transition> onKeyTransition) {
    this.name = name;
    this.breakers = new KeyBreakers(config, CoarseClock.shared(), t -> onTransition(t.breaker(), t));
    this.family = family;
    this.by = settings.by();
    this.onKeyTransition = onKeyTransition;
    this.maxKeys = settings.maxKeys();
    this.idleNanos = settings.idleExpiry().toNanos();
  }

  /** A key's breaker and when a call last used it. */
  private static final class Key {
    final CircuitBreaker core;
    long lastUsedNanos;

    Key(CircuitBreaker core) {
      this.core = core;
    }
  }

  /** The breaker that judges a call with this key: the family's own while an admin action holds it. */
  public CircuitBreaker judgeFor(String key) {
    BreakerState gate = family.state();
    if (gate == BreakerState.FORCED_OPEN || gate == BreakerState.DISABLED) {
      return family;
    }
    if (!pinned.isEmpty()) {
      CircuitBreaker core = pinned.get(key);
      if (core != null) {
        return core;
      }
    }
    Key known = keys.get(key);
    if (known == null) {
      known = new Key(newCore(key));
      keys.put(key, known);
      if (keys.size() > maxKeys) {
        forgetEldest();
      }
    }
    known.lastUsedNanos = CoarseClock.shared().nanos();
    return known.core;
  }

  /** Beyond max_keys: the least recently used key goes. */
  private void forgetEldest() {
    Iterator<Map.Entry<String, Key>> eldest = keys.entrySet().iterator();
    Map.Entry<String, Key> e = eldest.next();
    eldest.remove();
    forgotten(e.getKey(), e.getValue().core);
    evicted++;
  }

  /** Forgets the keys idle for idle_expiry: the least recently used, at the head of the map. */
  private void forgetIdle() {
    long now = CoarseClock.shared().nanos();
    for (Iterator<Map.Entry<String, Key>> it = keys.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Key> e = it.next();
      if (now - e.getValue().lastUsedNanos < idleNanos) {
        return;
      }
      it.remove();
      forgotten(e.getKey(), e.getValue().core);
      expired++;
    }
  }

  private void forgotten(String key, CircuitBreaker core) {
    if (notClosed.get(key) == core) {
      notClosed.remove(key);
    }
  }

  private CircuitBreaker newCore(String key) {
    return breakers.newBreaker(key);
  }

  /**
   * A key's breaker is named by its key; the world hears of its transition under the family's name.
   * A breaker whose key was forgotten while its call ran may still move: the key's breaker now (if
   * the key came back) is then another one, in another state, and its place in the list stays.
   */
  private void onTransition(String key, Transition t) {
    CircuitBreaker current = breakerOf(key);
    if (current != null && current.state() == t.to()) {
      notClosed.remove(key);
      if (t.to() != BreakerState.CLOSED) {
        notClosed.put(key, current);
      }
    }
    onKeyTransition.accept(key, new Transition(name, t.from(), t.to(), t.reason(), t.atEpochMillis(), t.window(),
        t.cause()));
  }

  /** The breaker of a known key, pinned or not (a transition counts as a use of its key). */
  private CircuitBreaker breakerOf(String key) {
    CircuitBreaker core = pinned.get(key);
    if (core != null) {
      return core;
    }
    Key known = keys.get(key);
    return known == null ? null : known.core;
  }

  /**
   * Applies an admin action to one key: {@code force_open} and {@code disable} pin the key under
   * that state, {@code close} returns it to automatic, {@code reset} forgets it.
   *
   * @return false for the fallback switch, which is the family's, not a key's
   */
  boolean apply(AdminAction action, String key) {
    switch (action) {
      case FORCE_OPEN, DISABLE -> {
        CircuitBreaker core = pinned.computeIfAbsent(key, k -> {
          Key known = keys.remove(k);
          return known != null ? known.core : newCore(k);
        });
        action.applyTo(core);
      }
      case CLOSE -> {
        CircuitBreaker core = pinned.remove(key);
        if (core == null) {
          Key known = keys.get(key);
          core = known == null ? null : known.core;
        } else {
          Key back = new Key(core);
          back.lastUsedNanos = CoarseClock.shared().nanos();
          keys.put(key, back);
          if (keys.size() > maxKeys) {
            forgetEldest();
          }
        }
        if (core != null) {
          core.close();
        }
      }
      case RESET -> {
        CircuitBreaker core = pinned.remove(key);
        keys.remove(key);
        notClosed.remove(key);
        if (core != null) {
          core.reset();
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Takes a new configuration in place: every known key keeps its state and its window's outcomes
   * under the new rules, the least recently used go if {@code max_keys} shrank, and the idle ones
   * by the new {@code idle_expiry} at the next sweep. A new {@code by} makes the known keys
   * meaningless (a tenant is not a host), so they are all forgotten.
   */
  void reconfigure(BreakerConfig config, FuseboxConfig.Keyed settings) {
    if (!by.equals(settings.by())) {
      forgetAll();
    }
    by = settings.by();
    maxKeys = settings.maxKeys();
    idleNanos = settings.idleExpiry().toNanos();
    List<CircuitBreaker> known = new ArrayList<>(keys.size() + pinned.size());
    keys.values().forEach(k -> known.add(k.core));
    known.addAll(pinned.values());
    breakers.reconfigure(config, known);
    while (keys.size() > maxKeys) {
      forgetEldest();
    }
  }

  /** Forgets every key (the family's own reset). */
  void forgetAll() {
    pinned.clear();
    keys.clear();
    notClosed.clear();
  }

  /** Keys known now, after forgetting the idle ones. */
  public long tracked() {
    forgetIdle();
    return keys.size() + pinned.size();
  }

  long notClosedCount() {
    return notClosed.size();
  }

  long evicted() {
    return evicted;
  }

  long expired() {
    return expired;
  }

  /**
   * What a snapshot says of the family: its key source, how many keys it knows and has forgotten,
   * and the {@value #LISTED_KEYS} keys most recently moved out of closed with their state.
   */
  JsonObject summary() {
    // the last entries in order of moving out of closed, kept while walking: in a mass outage the
    // family holds every key here, and a copy of them all each interval only to list a few was the cost
    ArrayDeque<Map.Entry<String, CircuitBreaker>> recent = new ArrayDeque<>(LISTED_KEYS);
    for (Map.Entry<String, CircuitBreaker> entry : notClosed.entrySet()) {
      if (recent.size() == LISTED_KEYS) {
        recent.removeFirst();
      }
      recent.addLast(entry);
    }
    JsonArray listed = new JsonArray();
    for (Iterator<Map.Entry<String, CircuitBreaker>> newestFirst = recent.descendingIterator(); newestFirst.hasNext(); ) {
      Map.Entry<String, CircuitBreaker> entry = newestFirst.next();
      listed.add(new JsonObject().put("key", entry.getKey()).put("state", entry.getValue().state().wireName())
          .put("retry_after_ms", entry.getValue().retryAfterMillis()));
    }
    return new JsonObject()
        .put("by", by)
        .put("keys", tracked())
        .put("not_closed", notClosed.size())
        .put("forgotten", new JsonObject().put("size", evicted).put("idle", expired))
        .put("listed", listed);
  }
}
