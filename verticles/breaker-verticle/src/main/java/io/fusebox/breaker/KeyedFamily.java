package io.fusebox.breaker;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Transition;
import io.fusebox.protocol.AdminAction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A keyed breaker family on its verticle's event loop: one core breaker per key (a tenant, a host,
 * an endpoint), made at the key's first call with the service's configuration, forgotten when idle
 * for {@code idle_expiry} or when more than {@code max_keys} are known. Forgetting is Caffeine's
 * (size-bounded with its frequency sketch, so a flood of one-off keys does not push out the keys
 * that carry traffic; idle expiry amortised over calls): no timer per key. An open key moves to
 * half-open at its next call, as any breaker does, so a key costs its core and its cache entry.
 *
 * <p>The family's own breaker is the gate of admin actions without a key: forced open, every key
 * is refused; disabled, every call runs without a key's verdict. A key under an admin action of
 * its own is pinned: never forgotten until closed or reset.
 */
public final class KeyedFamily {

  /** Keys listed in a snapshot: the most recently opened ones. */
  static final int LISTED_KEYS = 100;

  private final String name;
  private final BreakerConfig config;
  private final CircuitBreaker family;
  private final BiConsumer<String, Transition> onKeyTransition;
  private final Cache<String, CircuitBreaker> keys;
  private final Map<String, CircuitBreaker> pinned = new HashMap<>();
  /** Keys not closed, in the order they last left closed. */
  private final LinkedHashMap<String, CircuitBreaker> notClosed = new LinkedHashMap<>();
  private final String by;
  private long evicted;
  private long expired;

  public KeyedFamily(String name, BreakerConfig config, FuseboxConfig.Keyed settings, CircuitBreaker family,
      BiConsumer<String, Transition> onKeyTransition) {
    this.name = name;
    this.config = config;
    this.family = family;
    this.by = settings.by();
    this.onKeyTransition = onKeyTransition;
    this.keys = Caffeine.newBuilder()
        .maximumSize(settings.maxKeys())
        .expireAfterAccess(settings.idleExpiry())
        // maintenance and removals run on the caller's thread: the verticle's event loop
        .executor(Runnable::run)
        .removalListener(this::onRemoved)
        .build();
  }

  /** The breaker that judges a call with this key: the family's own while an admin action holds it. */
  public CircuitBreaker judgeFor(String key) {
    BreakerState gate = family.state();
    if (gate == BreakerState.FORCED_OPEN || gate == BreakerState.DISABLED) {
      return family;
    }
    CircuitBreaker core = pinned.get(key);
    return core != null ? core : keys.get(key, this::newCore);
  }

  private CircuitBreaker newCore(String key) {
    // the family's name, shared: a key's own name would cost every key its string
    CircuitBreaker core = new CircuitBreaker(name, config, CoarseClock.shared());
    core.addListener(t -> onTransition(key, core, t));
    return core;
  }

  private void onTransition(String key, CircuitBreaker core, Transition t) {
    notClosed.remove(key);
    if (t.to() != BreakerState.CLOSED) {
      notClosed.put(key, core);
    }
    onKeyTransition.accept(key, t);
  }

  private void onRemoved(String key, CircuitBreaker core, RemovalCause cause) {
    if (cause == RemovalCause.SIZE) {
      evicted++;
    } else if (cause == RemovalCause.EXPIRED) {
      expired++;
    }
    if (core != null && notClosed.get(key) == core) {
      notClosed.remove(key);
    }
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
          CircuitBreaker known = keys.getIfPresent(k);
          keys.invalidate(k);
          return known != null ? known : newCore(k);
        });
        action.applyTo(core);
      }
      case CLOSE -> {
        CircuitBreaker core = pinned.remove(key);
        if (core == null) {
          core = keys.getIfPresent(key);
        } else {
          keys.put(key, core);
        }
        if (core != null) {
          core.close();
        }
      }
      case RESET -> {
        CircuitBreaker core = pinned.remove(key);
        keys.invalidate(key);
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

  /** Forgets every key (the family's own reset and close). */
  void forgetAll() {
    pinned.clear();
    keys.invalidateAll();
    notClosed.clear();
  }

  public long tracked() {
    keys.cleanUp();
    return keys.estimatedSize() + pinned.size();
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

  /** The breaker of a key it knows, or null. */
  CircuitBreaker known(String key) {
    CircuitBreaker core = pinned.get(key);
    return core != null ? core : keys.getIfPresent(key);
  }

  /**
   * What a snapshot says of the family: its key source, how many keys it knows and has forgotten,
   * and the {@value #LISTED_KEYS} keys most recently moved out of closed with their state.
   */
  JsonObject summary() {
    List<Map.Entry<String, CircuitBreaker>> recent = new ArrayList<>(notClosed.entrySet());
    JsonArray listed = new JsonArray();
    for (int i = recent.size() - 1; i >= 0 && listed.size() < LISTED_KEYS; i--) {
      CircuitBreaker core = recent.get(i).getValue();
      listed.add(new JsonObject().put("key", recent.get(i).getKey()).put("state", core.state().wireName())
          .put("retry_after_ms", core.retryAfterMillis()));
    }
    return new JsonObject()
        .put("by", by)
        .put("keys", tracked())
        .put("not_closed", notClosed.size())
        .put("forgotten", new JsonObject().put("size", evicted).put("idle", expired))
        .put("listed", listed);
  }
}
