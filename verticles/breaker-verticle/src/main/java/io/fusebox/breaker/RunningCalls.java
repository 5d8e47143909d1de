package io.fusebox.breaker;

/**
 * The calls a breaker verticle is running, oldest first, in an intrusive list so that adding and
 * removing a call allocates nothing.
 *
 * <p>Calls that use the breaker's own {@code call_timeout} reach their deadlines in the order they
 * started, so one timer, armed for the oldest, serves them all: that is one timer per timeout period
 * instead of one per call. A call with a shorter deadline of its own keeps a timer of its own.
 */
final class RunningCalls {

  private Call oldest;
  private Call newest;
  private int size;

  void add(Call call) {
    call.previous = newest;
    call.next = null;
    if (newest == null) {
      oldest = call;
    } else {
      newest.next = call;
    }
    newest = call;
    size++;
  }

  void remove(Call call) {
    if (call.previous == null && oldest != call) {
      return;
    }
    if (call.previous == null) {
      oldest = call.next;
    } else {
      call.previous.next = call.next;
    }
    if (call.next == null) {
      newest = call.previous;
    } else {
      call.next.previous = call.previous;
    }
    call.previous = null;
    call.next = null;
    size--;
  }

  Call oldest() {
    return oldest;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return oldest == null;
  }
}
