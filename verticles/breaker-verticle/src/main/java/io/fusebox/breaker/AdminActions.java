package io.fusebox.breaker;

import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.protocol.AdminAction;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A breaker verticle's admin actions ({@code fusebox.admin.apply.<name>}), and the override a
 * force open or disable puts in force: who, why and until when, with a timer that returns the
 * breaker to automatic when it runs out. On the verticle's event loop.
 */
final class AdminActions {

  private static final Logger LOG = LoggerFactory.getLogger(BreakerVerticle.class);

  private final Vertx vertx;
  private final String name;
  private final CircuitBreaker breaker;
  private final FallbackLedger ledger;
  private final BreakerReporter reporter;
  /** Null when the breaker is not a keyed family; swapped by a reload. */
  private KeyedFamily family;
  /** Null when none is in force. */
  private AdminOverride override;
  private long overrideTimer = -1;

  AdminActions(Vertx vertx, String name, CircuitBreaker breaker, FallbackLedger ledger, BreakerReporter reporter,
      KeyedFamily family) {
    this.vertx = vertx;
    this.name = name;
    this.breaker = breaker;
    this.ledger = ledger;
    this.reporter = reporter;
    this.family = family;
  }

  void family(KeyedFamily family) {
    this.family = family;
  }

  /** The override in force, or null. */
  AdminOverride override() {
    return override;
  }

  /** Puts back the override saved before a restart, when the breaker came back in its mode. */
  void restore(AdminOverride saved) {
    if (saved != null && (breaker.state() == BreakerState.FORCED_OPEN || breaker.state() == BreakerState.DISABLED)) {
      override(saved);
    }
  }

  void onAdmin(Message<JsonObject> message) {
    AdminAction action = AdminAction.fromWireName(message.body().getString("action", "")).orElse(null);
    if (action == null) {
      LOG.warn("breaker {} ignored unknown admin action '{}'", name,
          CallReader.abbreviate(String.valueOf(message.body().getValue("action"))));
      return;
    }
    if (message.body().getValue("key") instanceof String key) {
      // the admin API refuses a key for a breaker that is not keyed, and the fallback switch with one
      if (family == null) {
        LOG.warn("breaker {} is not keyed and ignored an admin action for one key", name);
      } else {
        family.apply(action, key);
        reporter.publishSnapshot();
      }
      return;
    }
    if (family != null && action == AdminAction.RESET) {
      family.forgetAll();
    }
    // the override first, so that the transition it causes is saved and published with it
    if (action == AdminAction.FORCE_OPEN || action == AdminAction.DISABLE) {
      override(AdminOverride.of(action, message.body(), System.currentTimeMillis()));
    } else if (action == AdminAction.CLOSE || action == AdminAction.RESET) {
      override(null);
    }
    BreakerState before = breaker.state();
    if (!action.applyTo(breaker)) {
      ledger.enabled(action == AdminAction.FALLBACK_ON);
    }
    reportUnlessMoved(before);
  }

  /**
   * A transition saves and publishes the breaker itself; anything else (the fallback switch, a new
   * override of the same mode, a reset of a closed breaker) is saved and published here, once.
   */
  private void reportUnlessMoved(BreakerState before) {
    if (breaker.state() == before) {
      reporter.persist();
      reporter.publishSnapshot();
    }
  }

  /** Puts {@code next} in force (null: none), with a timer for its end when it has one. */
  private void override(AdminOverride next) {
    if (overrideTimer != -1) {
      vertx.cancelTimer(overrideTimer);
      overrideTimer = -1;
    }
    override = next;
    if (next != null && next.untilEpochMillis() > 0) {
      overrideTimer = vertx.setTimer(Math.max(1, next.untilEpochMillis() - System.currentTimeMillis()), id -> {
        overrideTimer = -1;
        LOG.info("breaker {}: {} by {} ran out ({}); back to automatic", name, next.action(), next.by(), next.reason());
        override = null;
        BreakerState before = breaker.state();
        AdminAction.CLOSE.applyTo(breaker);
        reportUnlessMoved(before);
      });
    }
  }
}
