package io.fusebox.protocol;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a call finds an instance of its breaker in a cluster, and hears at once that the instance's
 * node is gone.
 *
 * <p>Vert.x sends a request to any node registered at the address; when that node dies, nothing
 * fails the requests it held (they wait for their send timeout, 30 s by default), and until the
 * cluster manager drops the node, new requests still go there. The router instead sends each call
 * to one instance it heard from, at {@code fusebox.call.<breaker>@<node>}, in turn, and keeps the
 * call under that node; when {@code fusebox.members} says the node left, it answers those calls
 * at once with 503 {@code node_left} and sends new ones to the other instances. A call to an
 * instance that has no handler any more (its breaker was removed) ran nowhere, so it goes on to
 * {@code fusebox.call.<breaker>}. Outside a cluster, it sends as Vert.x does.
 */
public final class InstanceRouter {

  private record HeldCall(Context context, Promise<?> answer, String breaker, String node) {
  }

  private final Vertx vertx;
  private final StateMirror mirror;
  private final boolean ownsMirror;
  private final Map<String, Set<HeldCall>> held = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private final MessageConsumer<JsonObject> members;

  InstanceRouter(Vertx vertx, StateMirror mirror, boolean ownsMirror) {
    this.vertx = vertx;
    this.mirror = mirror;
    this.ownsMirror = ownsMirror;
    this.members = vertx.isClustered() ? vertx.eventBus().consumer(Addresses.MEMBERS, m -> onMembers(m.body())) : null;
  }

  /** A router with a mirror of its own, for a caller that is not a {@link FuseboxClient} (the bridge). */
  public static InstanceRouter create(Vertx vertx) {
    return new InstanceRouter(vertx, new StateMirror(vertx, FuseboxClientOptions.DEFAULT_MIRROR_TTL.toMillis()), true);
  }

  /** Completes once the router hears departures and the mirror reports. */
  public Future<Void> ready() {
    Future<Void> mirrored = ownsMirror ? mirror.ready() : Future.succeededFuture();
    return members == null ? mirrored : Future.all(mirrored, members.completion()).mapEmpty();
  }

  /**
   * A request to {@code address}; a call to a breaker ({@code fusebox.call.<breaker>}) goes to one
   * of its instances as above, anything else as Vert.x sends it.
   */
  public <T> Future<Message<T>> request(String address, Object body, DeliveryOptions delivery) {
    if (members == null || !address.startsWith(Addresses.CALL_PREFIX)) {
      return vertx.eventBus().request(address, body, delivery);
    }
    int separator = address.indexOf(Addresses.INSTANCE_SEPARATOR, Addresses.CALL_PREFIX.length());
    if (separator >= 0) {
      String breaker = address.substring(Addresses.CALL_PREFIX.length(), separator);
      return send(address, breaker, address.substring(separator + 1), body, delivery, false);
    }
    String breaker = address.substring(Addresses.CALL_PREFIX.length());
    String node = mirror.instanceFor(breaker, turn.getAndIncrement());
    if (node == null) {
      return vertx.eventBus().request(address, body, delivery);
    }
    return send(address, breaker, node, body, delivery, true);
  }

  private <T> Future<Message<T>> send(String address, String breaker, String node, Object body,
      DeliveryOptions delivery, boolean chosen) {
    Promise<Message<T>> answer = Promise.promise();
    HeldCall call = new HeldCall(vertx.getOrCreateContext(), answer, breaker, node);
    Set<HeldCall> calls = held.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
    calls.add(call);
    if (mirror.hasLeft(node)) {
      // it left after it was chosen and before the call was held, where the departure did not see it
      calls.remove(call);
      answer.fail(nodeLeft(call));
      return answer.future();
    }
    vertx.eventBus().<T>request(chosen ? Addresses.callOn(breaker, node) : address, body, delivery).onComplete(ar -> {
      calls.remove(call);
      if (chosen && ar.failed() && ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        vertx.eventBus().<T>request(address, body, delivery).onComplete(answer::tryComplete, answer::tryFail);
      } else if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  private void onMembers(JsonObject event) {
    String node = event.getString("node");
    if (!"node_left".equals(event.getString("event")) || node == null) {
      return;
    }
    mirror.nodeLeft(node);
    Set<HeldCall> calls = held.get(node);
    if (calls == null) {
      return;
    }
    for (HeldCall call : calls) {
      calls.remove(call);
      call.context.runOnContext(v -> call.answer.tryFail(nodeLeft(call)));
    }
  }

  private static ReplyException nodeLeft(HeldCall call) {
    FuseboxError error = FuseboxError.of(ErrorCode.NODE_LEFT, call.breaker, null, "node " + call.node
        + " left the cluster before it answered; the call may have reached the dependency");
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.NODE_LEFT.code(), error.toJson().encode());
  }

  public Future<Void> close() {
    Future<Void> mine = members == null ? Future.succeededFuture() : members.unregister();
    return ownsMirror ? Future.all(mine, mirror.close()).mapEmpty() : mine;
  }
}
