package io.fusebox.dashboard.history;

import java.util.ArrayList;
import java.util.List;

/**
 * The last minutes of one breaker instance (a day's at most), in columns of primitives (a row of
 * objects would cost twice as much): 58 bytes a minute, 83.5 KB for a full day, allocated at the
 * first minute worth keeping, so a breaker that never had a call costs nothing. Minutes come in time order;
 * a quiet minute (no call, closed throughout) is not stored, and reads as absent.
 */
final class MinuteSeries {

  static final int DAY = 24 * 60;

  /** How many minutes it keeps. */
  private final int capacity;
  private int[] minute;
  /** Calls by outcome: {@code calls[outcome][slot]}. */
  private int[][] calls;
  private float[] failureRate;
  private float[] slowCallRate;
  private float[] p50;
  private float[] p95;
  private float[] p99;
  /** Milliseconds in each state, at most 60,000, which fits a char: {@code stateMillis[state][slot]}. */
  private char[][] stateMillis;
  /** The slot the next minute goes to. */
  private int next;
  private int size;

  MinuteSeries(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Appends a minute; one older than the last is dropped, and a second part of the last one (a
   * node stopped mid-minute and started again within it) is added to it.
   */
  void add(Minute m) {
    if (minute == null) {
      allocate();
    } else if (size > 0) {
      int last = (next - 1 + capacity) % capacity;
      if (m.epochMinute() == minute[last]) {
        addTo(last, m);
        return;
      }
      if (m.epochMinute() < minute[last]) {
        return;
      }
    }
    minute[next] = m.epochMinute();
    for (int o = 0; o < calls.length; o++) {
      calls[o][next] = m.calls()[o];
    }
    failureRate[next] = m.failureRate();
    slowCallRate[next] = m.slowCallRate();
    p50[next] = m.p50();
    p95[next] = m.p95();
    p99[next] = m.p99();
    for (int s = 0; s < stateMillis.length; s++) {
      stateMillis[s][next] = (char) Math.min(Character.MAX_VALUE, m.stateMillis()[s]);
    }
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  private void addTo(int slot, Minute m) {
    for (int o = 0; o < calls.length; o++) {
      calls[o][slot] += m.calls()[o];
    }
    failureRate[slot] = m.failureRate();
    slowCallRate[slot] = m.slowCallRate();
    p50[slot] = m.p50();
    p95[slot] = m.p95();
    p99[slot] = m.p99();
    for (int s = 0; s < stateMillis.length; s++) {
      stateMillis[s][slot] = (char) Math.min(Character.MAX_VALUE, stateMillis[s][slot] + m.stateMillis()[s]);
    }
  }

  private void allocate() {
    minute = new int[capacity];
    calls = new int[Minute.OUTCOMES.length][capacity];
    failureRate = new float[capacity];
    slowCallRate = new float[capacity];
    p50 = new float[capacity];
    p95 = new float[capacity];
    p99 = new float[capacity];
    stateMillis = new char[Minute.STATES.length][capacity];
  }

  /** The minutes that start in {@code [fromMinute, toMinute]}, oldest first. */
  List<Minute> between(long fromMinute, long toMinute) {
    List<Minute> found = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int slot = (next - size + i + capacity) % capacity;
      if (minute[slot] >= fromMinute && minute[slot] <= toMinute) {
        found.add(read(slot));
      }
    }
    return found;
  }

  private Minute read(int slot) {
    int[] c = new int[calls.length];
    for (int o = 0; o < c.length; o++) {
      c[o] = calls[o][slot];
    }
    int[] s = new int[stateMillis.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = stateMillis[i][slot];
    }
    return new Minute(minute[slot], c, failureRate[slot], slowCallRate[slot], p50[slot], p95[slot], p99[slot], s);
  }

  int size() {
    return size;
  }
}
