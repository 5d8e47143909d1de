'use strict';
// The Fusebox dashboard: one tile per breaker instance (breaker@node), fed by /ws, re-rendered at
// most a few times a second so that hundreds of breakers stay smooth. It only reads the feed; the
// admin buttons call the REST API with the operator's token.

const HISTORY_MS = 5 * 60 * 1000;
const RENDER_EVERY_MS = 250;
const REORDER_EVERY_MS = 1000;
// the node says in its hello when an instance counts as gone (three snapshot intervals); a tile is
// marked stale then, and dropped a while later
let staleAfterMs = 6000;
const DROP_AFTER_STALE_MS = 14000;
const MAX_TIMELINE = 300;
const STATE_ORDER = { open: 0, forced_open: 1, half_open: 2, disabled: 3, closed: 4 };

const tiles = new Map();
const dirty = new Set();
let token = null;
let socket = null;
let attempts = 0;
let reconnectAt = 0;
let lastReorder = 0;
let orderKey = '';

const $ = (id) => document.getElementById(id);

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  setStatus('connecting', 'connecting');
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.onopen = () => { attempts = 0; setStatus('live', 'live'); };
  socket.onmessage = (e) => receive(JSON.parse(e.data));
  socket.onclose = () => scheduleReconnect();
}

function scheduleReconnect() {
  socket = null;
  const delay = Math.min(10000, 500 * 2 ** attempts) * (0.8 + Math.random() * 0.4);
  attempts += 1;
  reconnectAt = Date.now() + delay;
  setTimeout(connect, delay);
}

function setStatus(cls, text) {
  const status = $('status');
  status.className = `status ${cls}`;
  status.textContent = text;
}

function receive(msg) {
  if (msg.type === 'hello') {
    if (msg.stale_after_ms > 0) {
      staleAfterMs = msg.stale_after_ms;
    }
    msg.breakers.forEach(upsert);
  } else if (msg.type === 'snapshot') {
    upsert(msg);
  } else if (msg.type === 'transition') {
    addTransition(msg);
    alertsSoon();
  } else if (msg.type === 'throttling') {
    addThrottling(msg);
  } else if (msg.type === 'config_changed') {
    showReload(msg);
  }
}

// A node took a new configuration: which breakers it changed, and who asked.
function showReload(r) {
  const banner = $('config-banner');
  banner.hidden = false;
  const parts = [['added', r.added], ['removed', r.removed], ['changed', r.changed]]
    .filter(([, names]) => names && names.length).map(([what, names]) => `${what} ${names.join(', ')}`);
  banner.textContent = `${new Date(r.at || Date.now()).toLocaleTimeString()} ${r.node}: configuration ${r.version}`
    + ` (was ${r.previous_version})${r.by ? ` by ${r.by}` : ''}${r.reason ? `: ${r.reason}` : ''}`
    + (parts.length ? ` · ${parts.join(' · ')}` : ' · no breaker changed')
    + (r.restart_needed && r.restart_needed.length ? ` · needs a restart for ${r.restart_needed.join(', ')}` : '');
}

async function reloadConfiguration() {
  const response = await fetch(`/api/reload?reason=${encodeURIComponent($('reload-reason').value.trim())}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` },
  });
  const body = await response.json();
  if (response.ok) {
    showReload({ ...body, by: 'you', reason: $('reload-reason').value.trim() });
    adminStatus(`reload applied: version ${body.version}`, false);
  } else {
    adminStatus(`reload refused (${response.status} ${body.error}): ${body.detail}`, true);
  }
}

function upsert(s) {
  const key = `${s.breaker}@${s.node}`;
  let tile = tiles.get(key);
  if (!tile) {
    tile = createTile(key, s);
    tiles.set(key, tile);
  }
  const now = Date.now();
  const total = (c) => c.success + c.failure + c.ignored + c.rejected + c.timeout;
  if (tile.snap && now > tile.seenAt) {
    const dt = (now - tile.seenAt) / 1000;
    const prev = tile.snap.calls;
    const cur = s.calls;
    const rate = Math.max(0, (total(cur) - total(prev)) / dt);
    const failed = Math.max(0, (cur.failure + cur.timeout) - (prev.failure + prev.timeout));
    const ran = Math.max(0, (cur.success + cur.failure + cur.timeout) - (prev.success + prev.failure + prev.timeout));
    tile.rates = {
      ok: Math.max(0, cur.success - prev.success) / dt,
      failed: failed / dt,
      rejected: Math.max(0, cur.rejected - prev.rejected) / dt,
      fallback: Math.max(0, cur.fallback - prev.fallback) / dt,
    };
    tile.history.push({ t: now, rate, fail: ran > 0 ? failed / ran : 0 });
    while (tile.history.length && tile.history[0].t < now - HISTORY_MS) tile.history.shift();
  }
  tile.snap = s;
  tile.seenAt = now;
  dirty.add(key);
}

function createTile(key, s) {
  const el = $('tile-template').content.firstElementChild.cloneNode(true);
  el.dataset.key = key;
  el.dataset.breaker = s.breaker;
  el.dataset.node = s.node;
  el.querySelector('.name').textContent = s.breaker;
  el.querySelector('.name').addEventListener('click', () => openDetail(s.breaker));
  el.dataset.kind = s.kind || 'verticle';
  // an in-process breaker (fusebox-vertx) has no call address: say so next to its node
  el.querySelector('.node').textContent = s.kind === 'in_process' ? `${s.node} · in process` : s.node;
  el.querySelector('.admin').hidden = token === null;
  el.querySelector('.keys-search').addEventListener('input', () => renderKeys(el, tiles.get(key).snap));
  el.querySelectorAll('.admin button').forEach((b) => b.addEventListener('click', () => act(s.breaker, b.dataset.action, el)));
  $('tiles').appendChild(el);
  return { el, snap: null, seenAt: 0, history: [], rates: null };
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);

function duration(millis) {
  const s = Math.max(0, Math.round(millis / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
}

function render(key) {
  const tile = tiles.get(key);
  if (!tile) return;
  const { el, snap: s } = tile;
  const now = Date.now();
  el.className = `tile ${s.state}${now - tile.seenAt > staleAfterMs ? ' stale' : ''}`;
  el.dataset.state = s.state;
  el.querySelector('.state').textContent = s.state.replace('_', ' ');
  const r = tile.rates;
  el.querySelector('.rates').textContent = r
    ? `${r.ok.toFixed(1)} ok · ${r.failed.toFixed(1)} failed · ${r.rejected.toFixed(1)} rejected · ${r.fallback.toFixed(1)} fallback`
    : 'measuring…';
  const th = s.thresholds || {};
  setRate(el.querySelector('.failure'), s.failure_rate, th.failure_rate, s.window_calls, th.minimum_calls);
  setRate(el.querySelector('.slow'), s.slow_call_rate, th.slow_call_rate, s.window_calls, th.minimum_calls);
  el.querySelector('.latency').textContent =
    `p50 ${ms(s.latency_ms.p50)} · p95 ${ms(s.latency_ms.p95)} · p99 ${ms(s.latency_ms.p99)}`;
  el.querySelector('.since').textContent = duration(now - s.since);
  el.querySelector('.retry').textContent = s.state === 'open' && s.retry_at > 0
    ? `half-open in ${duration(s.retry_at - now)}` : '—';
  el.querySelector('.backoff').textContent = `level ${s.backoff_level} · open timeout ${duration(s.open_timeout_ms)}`;
  const fb = s.fallback || { enabled: false, types: [] };
  el.querySelector('.fallback').textContent = fb.types.length === 0 ? 'none'
    : `${fb.enabled ? 'on' : 'OFF'}: ${fb.types.join(' → ')} (${s.calls.fallback} answered)`;
  renderOverride(el.querySelector('.override'), s.override, now);
  drawSpark(el.querySelector('.spark'), tile.history, now);
  renderKeys(el, s);
  renderMembers(el, s);
  renderConcurrency(el, s);
  renderThrottling(el, s);
  renderRetries(el, s);
}

// A tile's line that only some breakers have: shown, with its label, or hidden; the line to fill.
function optionalLine(el, name, shown) {
  const dd = el.querySelector(`.${name}`);
  dd.hidden = !shown;
  el.querySelector(`.${name}-label`).hidden = !shown;
  return dd;
}

// Retries within a budget: how many the window holds, what the budget has left, what it refused.
function renderRetries(el, s) {
  const r = s.retry;
  const dd = optionalLine(el, 'retries', Boolean(r));
  if (!r) return;
  dd.textContent = `${r.retries_last_10s} in 10 s · budget left ${r.budget_left} · ${r.exhausted} refused`
    + (r.cluster_budget ? ` · shared with ${r.instances_heard} other instance${r.instances_heard === 1 ? '' : 's'}` : '');
}

// The throttling state: shown while it refuses calls, as a share of them.
function renderThrottling(el, s) {
  const t = s.throttling;
  const dd = optionalLine(el, 'throttling', Boolean(t && t.active));
  if (!dd.hidden) {
    dd.textContent = `refusing ${pct(t.refused_share)} · failure rate ${pct(t.failure_rate)} (from ${pct(t.threshold)})`;
  }
}

// An adaptive concurrency limit: where it stands, what fills it, and the latencies it follows.
function renderConcurrency(el, s) {
  const c = s.concurrency;
  const dd = optionalLine(el, 'concurrency', Boolean(c));
  if (!c) return;
  dd.textContent = `limit ${c.limit}${c.probing ? ' (probing)' : ''} · ${c.inflight} in flight · ${c.waiting} waiting`
    + ` · no-load ${ms(c.no_load_ms)} · recent ${ms(c.recent_ms)}`;
}

// Who forced the breaker open or disabled it, why, and for how much longer: next to the state.
function renderOverride(p, o, now) {
  p.hidden = !o;
  if (!o) return;
  const what = o.action === 'force_open' ? 'forced open' : 'disabled';
  const left = o.until ? `, ${duration(o.until - now)} left` : '';
  p.textContent = `${what} by ${o.by}${left}: ${o.reason}`;
}

// A dependency of several hosts: each member, in or ejected (for how long, how many times).
function renderMembers(el, s) {
  const dd = optionalLine(el, 'members', Boolean(s.pool));
  if (!s.pool) return;
  dd.textContent = s.pool.members.map((m) => (m.state === 'ejected'
    ? `${m.member} ejected (back in ${duration(m.back_in_ms)}, ${m.ejections}x)`
    : `${m.member} in`)).join(' · ') + (s.pool.panics > 0 ? ` · panicked ${s.pool.panics} calls` : '');
}

// A keyed family is one tile: its key counts, and the keys not closed that its snapshot lists
// (the most recently opened), filtered by the search box.
function renderKeys(el, s) {
  const section = el.querySelector('.keys');
  const k = s.keyed;
  section.hidden = !k;
  if (!k) return;
  el.dataset.keyed = 'true';
  section.querySelector('.keys-summary').textContent =
    `keyed by ${k.by}: ${k.keys} keys, ${k.not_closed} not closed · forgotten ${k.forgotten.size} (max_keys) ${k.forgotten.idle} (idle)`;
  const query = section.querySelector('.keys-search').value.trim().toLowerCase();
  const list = section.querySelector('.keys-list');
  list.replaceChildren(...k.listed
    .filter((entry) => query === '' || entry.key.toLowerCase().includes(query))
    .map((entry) => {
      const li = document.createElement('li');
      li.className = entry.state;
      li.dataset.key = entry.key;
      li.textContent = `${entry.key} · ${entry.state.replace('_', ' ')}`
        + (entry.retry_after_ms > 0 ? ` · ${duration(entry.retry_after_ms)}` : '');
      return li;
    }));
}

function setRate(dd, value, threshold, windowCalls, minimum) {
  const judged = windowCalls >= (minimum || 0);
  dd.textContent = threshold == null ? `${pct(value)} (detector off)`
    : `${pct(value)} of ${pct(threshold)}${judged ? '' : ` · ${windowCalls}/${minimum} calls`}`;
  dd.classList.toggle('over', threshold != null && judged && value >= threshold);
}

function drawSpark(canvas, history, now) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  if (history.length < 2) return;
  const x = (t) => w - ((now - t) / HISTORY_MS) * w;
  const max = Math.max(1, ...history.map((p) => p.rate));
  ctx.fillStyle = 'rgba(214, 69, 65, 0.45)';
  for (const p of history) {
    const bar = p.fail * h;
    ctx.fillRect(x(p.t) - 1, h - bar, 2, bar);
  }
  ctx.strokeStyle = '#6cb6ff';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  history.forEach((p, i) => {
    const y = h - 2 - (p.rate / max) * (h - 4);
    if (i === 0) ctx.moveTo(x(p.t), y); else ctx.lineTo(x(p.t), y);
  });
  ctx.stroke();
}

const shownTransitions = new Set();

function addTransition(t) {
  // the log loaded at start and the live feed may both bring the same one
  const id = `${t.breaker}@${t.node}@${t.at}@${t.to}`;
  if (shownTransitions.has(id)) return;
  shownTransitions.add(id);
  const li = document.createElement('li');
  li.className = `to-${t.to}`;
  const at = new Date(t.at).toLocaleTimeString();
  // a trip names what its calls failed with, most first
  const failures = Array.isArray(t.errors) && t.errors.length
    ? ` (${t.errors.map(e => `${e.class} ×${e.count}`).join(', ')})` : '';
  // a forced or disabled breaker says by whom and why
  const why = t.override ? `by ${t.override.by}: ${t.override.reason}` : t.reason;
  li.textContent = `${at} ${t.breaker}@${t.node} ${t.from} → ${t.to}: ${why}${failures}`;
  const list = $('timeline');
  list.insertBefore(li, list.firstChild);
  while (list.children.length > MAX_TIMELINE) list.removeChild(list.lastChild);
  const tile = tiles.get(`${t.breaker}@${t.node}`);
  if (tile && tile.snap && t.at >= tile.snap.since) {
    tile.snap = { ...tile.snap, state: t.to, since: t.at };
    dirty.add(`${t.breaker}@${t.node}`);
  }
}

// The throttling state began or ended: on the timeline beside the transitions.
function addThrottling(t) {
  const li = document.createElement('li');
  li.className = t.active ? 'throttling' : 'to-closed';
  li.textContent = `${new Date(t.at).toLocaleTimeString()} ${t.breaker}@${t.node} `
    + (t.active ? `throttling: failure rate ${pct(t.failure_rate)}, refusing ${pct(t.refused_share)}`
      : 'throttling ended');
  const list = $('timeline');
  list.insertBefore(li, list.firstChild);
  while (list.children.length > MAX_TIMELINE) list.removeChild(list.lastChild);
}

function visible(tile) {
  const text = $('filter').value.trim().toLowerCase();
  const state = $('state-filter').value;
  const s = tile.snap;
  return (!text || s.breaker.toLowerCase().includes(text) || s.node.toLowerCase().includes(text))
    && (!state || s.state === state);
}

function reorder(now) {
  const sort = $('sort').value;
  const compare = {
    name: (a, b) => a.snap.breaker.localeCompare(b.snap.breaker) || a.snap.node.localeCompare(b.snap.node),
    node: (a, b) => a.snap.node.localeCompare(b.snap.node) || a.snap.breaker.localeCompare(b.snap.breaker),
    state: (a, b) => STATE_ORDER[a.snap.state] - STATE_ORDER[b.snap.state] || a.snap.breaker.localeCompare(b.snap.breaker),
    failure: (a, b) => b.snap.failure_rate - a.snap.failure_rate || a.snap.breaker.localeCompare(b.snap.breaker),
  }[sort];
  for (const [key, tile] of tiles) {
    if (now - tile.seenAt > staleAfterMs + DROP_AFTER_STALE_MS) {
      tile.el.remove();
      tiles.delete(key);
    }
  }
  const all = [...tiles.values()].filter((t) => t.snap);
  all.forEach((t) => { t.el.hidden = !visible(t); });
  const ordered = all.sort(compare);
  const key = ordered.map((t) => t.el.dataset.key).join('|');
  if (key !== orderKey) {
    const container = $('tiles');
    ordered.forEach((t) => container.appendChild(t.el));
    orderKey = key;
  }
  const counts = {};
  all.forEach((t) => { counts[t.snap.state] = (counts[t.snap.state] || 0) + 1; });
  $('summary').textContent = `${all.length} breaker instance(s): `
    + Object.entries(counts).map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ');
}

function frame() {
  const now = Date.now();
  dirty.forEach(render);
  dirty.clear();
  if (now - lastReorder >= REORDER_EVERY_MS) {
    lastReorder = now;
    tiles.forEach((_, key) => render(key));
    reorder(now);
  }
  refreshDetail([...tiles.values()].filter((t) => t.snap).map((t) => t.snap));
  if (!socket && reconnectAt > now) {
    setStatus('reconnecting', `disconnected, reconnecting in ${Math.ceil((reconnectAt - now) / 1000)} s (attempt ${attempts})`);
  }
}

async function act(breaker, action, el) {
  const result = el.querySelector('.result');
  result.className = 'result';
  result.textContent = `${action}…`;
  try {
    // every action carries a reason for the audit trail; force open and disable may end by themselves
    const request = { reason: el.querySelector('.reason').value.trim() };
    const lasting = el.querySelector('.for').value;
    if (lasting && (action === 'force-open' || action === 'disable')) request.for = lasting;
    const response = await fetch(`/api/breakers/${encodeURIComponent(breaker)}/${action}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    const body = await response.json();
    if (response.ok) {
      result.textContent = `${action}: done on ${body.instances} instance(s)`;
      adminStatus(`${breaker}: ${action} done`, false);
    } else {
      result.className = 'result error';
      result.textContent = `${action} refused: ${response.status} ${body.error}: ${body.detail}`;
      adminStatus(`${breaker}: ${action} refused (${response.status} ${body.error})`, true);
    }
  } catch (e) {
    result.className = 'result error';
    result.textContent = `${action} failed: ${e.message}`;
  }
}

function adminStatus(text, error) {
  const p = $('admin-status');
  p.className = `admin-status${error ? ' error' : ''}`;
  p.textContent = text;
}

function unlock() {
  const value = $('token').value.trim();
  token = value === '' ? null : value;
  document.querySelectorAll('.tile .admin').forEach((a) => { a.hidden = token === null; });
  $('reload-bar').hidden = token === null;
  if (detail.breaker) loadDetail();
  adminStatus(token === null ? 'admin locked' : 'admin unlocked: actions use this token', false);
}

async function setupDemo() {
  try {
    const response = await fetch('/api/controls/demo-upstream');
    if (!response.ok) return;
    const state = await response.json();
    $('demo').hidden = false;
    $('error-rate').value = Math.round(state.error_rate * 100);
    $('error-rate-value').textContent = `${$('error-rate').value}%`;
  } catch (e) {
    // no demo upstream on this node
  }
}

async function applyDemo() {
  const rate = Number($('error-rate').value) / 100;
  const response = await fetch('/api/controls/demo-upstream', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error_rate: rate }),
  });
  const body = await response.json();
  $('demo-status').textContent = response.ok
    ? `the upstream now fails ${Math.round(body.error_rate * 100)}% of requests` : `refused: ${body.detail}`;
}

$('unlock').addEventListener('click', unlock);
$('token').addEventListener('keydown', (e) => { if (e.key === 'Enter') unlock(); });
['filter', 'state-filter', 'sort'].forEach((id) => $(id).addEventListener('input', () => { orderKey = ''; reorder(Date.now()); }));
$('error-rate').addEventListener('input', () => { $('error-rate-value').textContent = `${$('error-rate').value}%`; });
$('apply-demo').addEventListener('click', applyDemo);
$('reload').addEventListener('click', reloadConfiguration);

// The timeline starts with the day's transitions from the history, oldest first, then goes on live.
async function loadTimeline() {
  try {
    const response = await fetch(`/api/transitions?limit=${MAX_TIMELINE}`);
    const body = await response.json();
    body.transitions.slice().reverse().forEach(addTransition);
  } catch (e) {
    // a node without history: the timeline starts now
  }
}
// The alert a transition raises, if any, is sent a moment later; one look for a burst of them (a
// keyed family's keys may move by the thousand).
let alertsDue = null;
function alertsSoon() {
  if (alertsDue === null) {
    alertsDue = setTimeout(() => { alertsDue = null; loadAlerts(); }, 500);
  }
}

// What every node's alerts do: where they go and how delivery goes, who is flapping, what was sent.
async function loadAlerts() {
  let body;
  try {
    body = await (await fetch('/api/alerts')).json();
  } catch (e) {
    return;
  }
  const sinks = [];
  const flapping = [];
  const recent = [];
  body.nodes.forEach((n) => {
    n.sinks.forEach((s) => sinks.push({ node: n.node, ...s }));
    n.flapping.forEach((f) => flapping.push({ node: n.node, ...f }));
    n.recent.forEach((r) => recent.push({ node: n.node, ...r }));
  });
  const list = (id, items, render) => {
    const el = $(id);
    el.replaceChildren(...items.map((item) => {
      const li = document.createElement('li');
      render(li, item);
      return li;
    }));
  };
  list('alert-sinks', sinks.length ? sinks : [null], (li, s) => {
    if (!s) {
      li.textContent = 'no alert sink configured (fusebox.alerts): alerts below are not sent';
      return;
    }
    const last = s.last ? ` · last: ${s.last.outcome} (${s.last.detail}, ${s.last.kind} ${s.last.breaker})` : '';
    const failing = s.last && s.last.outcome !== 'delivered';
    li.className = failing ? 'failing' : 'ok';
    li.textContent = `${s.node}: ${s.type} ${s.target}${s.format ? ` (${s.format})` : ''}: ${s.delivered} delivered`
      + (s.type === 'webhook' ? `, ${s.waiting} waiting, ${s.failed_attempts} failed attempts, ${s.gave_up} given up,`
        + ` ${s.dropped} dropped` : '') + last;
  });
  list('alert-flapping', flapping, (li, f) => {
    li.textContent = `${f.breaker}@${f.node} flapping: ${f.transitions} transitions, now ${f.state}`;
  });
  recent.sort((a, b) => b.at - a.at);
  list('alert-recent', recent.slice(0, 20), (li, r) => {
    li.className = `kind-${r.kind}`;
    li.textContent = `${new Date(r.at).toLocaleTimeString()} ${r.kind}: ${r.text}`;
  });
}

setInterval(frame, RENDER_EVERY_MS);
setInterval(loadAlerts, 5000);
setupDemo();
loadTimeline();
loadAlerts();
connect();
if (location.hash.startsWith('#detail=')) {
  const asked = new URLSearchParams(location.hash.slice(1));
  openDetail(asked.get('detail'), asked.get('range'));
}
