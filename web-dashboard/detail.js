'use strict';
// The detail view of one breaker: its history from /api/breakers/{name}/history drawn with uPlot
// (served by the node from its WebJar, so the page works offline), its transitions with each
// trip's evidence from /api/transitions, its override, and its entries in the audit trail. It
// reads the API only; app.js opens it from a tile and tells it of new snapshots.

const MINUTE_MS = 60000;
const STATE_COLOURS = { open: '#d64541', half_open: '#e0a82e', forced_open: '#a23ad6', disabled: '#5c6773' };
const OUTCOME_COLOURS = {
  success: '#2e9e5b', failure: '#d64541', timeout: '#ff8a65', rejected: '#a23ad6', fallback: '#6cb6ff',
};

const detail = {
  breaker: null,
  charts: [],
  refreshTimer: null,
};

function detailEl(selector) {
  return document.querySelector(`#detail ${selector}`);
}

// Opens the view for a breaker (from a tile, or from #detail=<name>[&range=<ms>] in the address).
function openDetail(breaker, range) {
  detail.breaker = breaker;
  if (range) detailEl('.detail-range').value = range;
  history.replaceState(null, '', `#detail=${encodeURIComponent(breaker)}`);
  $('detail').hidden = false;
  detailEl('.detail-name').textContent = breaker;
  loadDetail();
  clearInterval(detail.refreshTimer);
  // a minute ends every minute: fetch again, a little after
  detail.refreshTimer = setInterval(loadDetail, 30000);
  $('detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function closeDetail() {
  detail.breaker = null;
  clearInterval(detail.refreshTimer);
  detail.charts.forEach((c) => c.destroy());
  detail.charts = [];
  $('detail').hidden = true;
  history.replaceState(null, '', location.pathname);
}

async function loadDetail() {
  const breaker = detail.breaker;
  if (!breaker) return;
  const to = Date.now();
  const from = to - Number(detailEl('.detail-range').value);
  const name = encodeURIComponent(breaker);
  try {
    const [hist, trans] = await Promise.all([
      fetch(`/api/breakers/${encodeURIComponent(name)}/history?from=${from}&to=${to}`).then((r) => r.json()),
      fetch(`/api/transitions?breaker=${encodeURIComponent(name)}&since=${from}&limit=200`).then((r) => r.json()),
    ]);
    if (detail.breaker !== breaker) return;
    drawCharts(hist, from, to);
    listTransitions(trans.transitions || []);
    await listAudit(breaker);
    $('detail').dataset.loaded = String(Date.now());
  } catch (e) {
    detailEl('.detail-empty').hidden = false;
    detailEl('.detail-empty').textContent = `could not load the history: ${e.message}`;
  }
}

// Minutes without a row were quiet (no call, closed): zero calls, no rate to draw.
function series(hist, from, to) {
  const byMinute = new Map((hist.minutes || []).map((m) => [m.at, m]));
  const first = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const cols = { x: [], calls: {}, failure: [], slow: [], p50: [], p95: [], p99: [], states: {} };
  Object.keys(OUTCOME_COLOURS).forEach((o) => { cols.calls[o] = []; });
  Object.keys(STATE_COLOURS).forEach((s) => { cols.states[s] = []; });
  for (let at = first; at <= to; at += MINUTE_MS) {
    const m = byMinute.get(at);
    cols.x.push(at / 1000);
    Object.keys(OUTCOME_COLOURS).forEach((o) => cols.calls[o].push(m ? m.calls[o] : 0));
    cols.failure.push(m ? m.failure_rate * 100 : null);
    cols.slow.push(m ? m.slow_call_rate * 100 : null);
    cols.p50.push(m ? m.latency_ms.p50 : null);
    cols.p95.push(m ? m.latency_ms.p95 : null);
    cols.p99.push(m ? m.latency_ms.p99 : null);
    const total = m ? Object.values(m.state_ms).reduce((a, b) => a + b, 0) : 0;
    Object.keys(STATE_COLOURS).forEach((s) => cols.states[s].push(m && total > 0 ? (m.state_ms[s] / total) * 100 : 0));
  }
  return cols;
}

function drawCharts(hist, from, to) {
  detail.charts.forEach((c) => c.destroy());
  detail.charts = [];
  detailEl('.detail-empty').hidden = (hist.minutes || []).length > 0;
  detailEl('.detail-empty').textContent = 'no history yet: minutes appear as they end';
  const cols = series(hist, from, to);
  // each chart as wide as its cell of the grid
  const width = Math.max(280, detailEl('.chart.calls').clientWidth);
  const opts = (title, seriesOpts, yLabel) => ({
    title, width, height: 180, series: [{}, ...seriesOpts],
    axes: [{ stroke: '#8a96a3' }, { stroke: '#8a96a3', label: yLabel }],
    legend: { live: false },
  });
  const line = (label, stroke, extra) => ({ label, stroke, width: 1.5, spanGaps: false, ...extra });
  const th = hist.thresholds || {};
  const flat = (v) => cols.x.map(() => (v == null ? null : v * 100));

  detail.charts.push(new uPlot(opts('', Object.entries(OUTCOME_COLOURS).map(([o, c]) => line(o, c)), 'calls'),
    [cols.x, ...Object.keys(OUTCOME_COLOURS).map((o) => cols.calls[o])], detailEl('.chart.calls')));
  detail.charts.push(new uPlot(opts('', [
    line('failure rate %', '#d64541'), line('slow-call rate %', '#e0a82e'),
    line('failure threshold', '#d64541', { dash: [6, 4], width: 1 }),
    line('slow-call threshold', '#e0a82e', { dash: [6, 4], width: 1 }),
  ], '%'), [cols.x, cols.failure, cols.slow, flat(th.failure_rate), flat(th.slow_call_rate)], detailEl('.chart.rates')));
  detail.charts.push(new uPlot(opts('', [line('p50', '#8be0a4'), line('p95', '#6cb6ff'), line('p99', '#ff8a80')], 'ms'),
    [cols.x, cols.p50, cols.p95, cols.p99], detailEl('.chart.latency')));
  detail.charts.push(new uPlot(opts('', Object.entries(STATE_COLOURS).map(([s, c]) => line(s.replace('_', ' '), c,
    { fill: `${c}66` })), '% of minute'), [cols.x, ...Object.keys(STATE_COLOURS).map((s) => cols.states[s])],
  detailEl('.chart.states')));
}

// Each transition as it was published: a trip carries its rule and numbers (reason), the window
// that tripped it and the kinds of failure its calls met.
function listTransitions(transitions) {
  const list = detailEl('.detail-transitions');
  list.replaceChildren(...transitions.map((t) => {
    const li = document.createElement('li');
    li.className = `to-${t.to}`;
    const w = t.window ? ` · window ${t.window.calls} calls, ${t.window.failures} failed, ${t.window.slow_calls} slow` : '';
    const errors = Array.isArray(t.errors) && t.errors.length
      ? ` · ${t.errors.map((e) => `${e.class} ×${e.count}`).join(', ')}` : '';
    const latency = t.window && t.window.latency_ms ? ` · p99 ${t.window.latency_ms.p99.toFixed(1)} ms` : '';
    const version = t.config_version ? ` · config ${t.config_version}` : '';
    const why = t.override ? `by ${t.override.by}: ${t.override.reason}` : t.reason;
    li.textContent = `${new Date(t.at).toLocaleString()} ${t.node}: ${t.from} → ${t.to} (${why})${w}${latency}${errors}${version}`;
    return li;
  }));
  if (transitions.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'no transition in this range';
    list.appendChild(li);
  }
}

async function listAudit(breaker) {
  const list = detailEl('.detail-audit');
  if (token === null) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'unlock with a token to see the audit trail' }));
    return;
  }
  const response = await fetch('/api/audit', { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: `audit trail refused: ${response.status}` }));
    return;
  }
  const entries = (await response.json()).entries.filter((e) => e.breaker === breaker || e.action === 'reload');
  list.replaceChildren(...entries.map((e) => {
    const li = document.createElement('li');
    const until = e.until ? `, until ${new Date(e.until).toLocaleString()}` : '';
    li.textContent = `${new Date(e.at).toLocaleString()} ${e.by}: ${e.action}${until} (${e.reason}) → ${e.result}`;
    return li;
  }));
  if (entries.length === 0) {
    list.appendChild(Object.assign(document.createElement('li'), { textContent: 'no admin action on this breaker' }));
  }
}

// Keeps the header of an open view current with the instances' snapshots.
function refreshDetail(snapshots) {
  if (!detail.breaker) return;
  const mine = snapshots.filter((s) => s.breaker === detail.breaker);
  detailEl('.detail-state').textContent = mine.map((s) => `${s.node}: ${s.state.replace('_', ' ')}`).join(' · ');
  const overridden = mine.find((s) => s.override);
  const p = detailEl('.detail-override');
  p.hidden = !overridden;
  if (overridden) renderOverride(p, overridden.override, Date.now());
  const versions = [...new Set(mine.map((s) => s.config_version).filter(Boolean))];
  detailEl('.detail-version').textContent = versions.length ? `configuration ${versions.join(', ')}` : '';
}

detailEl('.detail-close').addEventListener('click', closeDetail);
detailEl('.detail-range').addEventListener('input', loadDetail);
