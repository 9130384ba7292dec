// Cohort operator dashboard: plain JavaScript, Chart.js for charts, live over server-sent events.
// Each panel is shown only once it has data (privacy appears with DP nodes; the billing panels
// when the coordinator is connected to billing, refreshed from /api/billing every few seconds).
// The JSON API is described in docs/operations.md.
'use strict';

const ACTION_HEADER = 'X-Cohort-Action';
const SILENCE_MS = 25000;          // no event (the server pings every 10 s) = connection lost
const MAX_ROWS = 100;
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#7f7f7f', '#332288'];

const state = {
  federations: new Map(),
  selected: null,
  rounds: [],
  nodes: [],
  versions: [],
  audit: [],
  live: null,
  clockOffsetMs: 0,
  billing: null,       // the billing overview, when the coordinator is connected to billing
  billingError: null,
};
const charts = {};

// ---- dashboard session ---------------------------------------------------------------------------
// `cohort dashboard-login` prints this page's URL with #token=...: the fragment never reaches a
// server or its logs. Keep the token for this tab only, and take it out of the address bar so it
// is not bookmarked, shared or left in the history.
const TOKEN_KEY = 'cohort-dashboard-token';
function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match) return false;
  try {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
  } catch (e) {
    // storage disabled: the token still works for this page via the fallback below
    window.cohortToken = match[1];
  }
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}
takeTokenFromFragment();
// a new login URL pasted into this tab (after an expiry) only changes the fragment
window.addEventListener('hashchange', () => {
  if (takeTokenFromFragment()) notice('');
});

function sessionToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || window.cohortToken || null;
  } catch (e) {
    return window.cohortToken || null;
  }
}

function forgetToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // nothing stored
  }
  window.cohortToken = null;
}

// ---- helpers ---------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'title' || k === 'role') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function badge(value, label) {
  return el('span', { class: 'badge s-' + value, text: label || humanize(value) });
}

function humanize(s) {
  return String(s).toLowerCase().replace(/_/g, ' ');
}

function fmt(x, digits = 4) {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toFixed(digits);
}

function pct(x) {
  return x === null || x === undefined ? '—' : (100 * x).toFixed(1) + ' %';
}

function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  return s < 60 ? s.toFixed(1) + ' s' : Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
}

function ago(ms) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((Date.now() + state.clockOffsetMs - ms) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return new Date(ms).toLocaleString();
}

function shortVersion(v) {
  return v ? v.slice(0, 10) : '—';
}

function show(id, visible) {
  $(id).hidden = !visible;
}

async function api(path, options) {
  const response = await fetch('/api/' + path, Object.assign({ cache: 'no-store' }, options));
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) {
    const error = new Error(body.error || ('HTTP ' + response.status));
    error.status = response.status;
    throw error;
  }
  return body;
}

function notice(message) {
  const n = $('notice');
  n.textContent = message;
  n.hidden = !message;
}

// ---- loading -----------------------------------------------------------------------------------

async function loadAll() {
  const list = await api('federations');
  state.federations = new Map(list.map((f) => [f.id, f]));
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (!state.federations.has(state.selected)) {
    state.selected = state.federations.has(wanted) ? wanted : (list[0] ? list[0].id : null);
  }
  renderFederationList();
  await loadSelected();
}

async function loadSelected() {
  const id = state.selected;
  if (!id) {
    renderAll();
    return;
  }
  const q = encodeURIComponent(id);
  const [rounds, nodes, versions, audit] = await Promise.all([
    api('federations/' + q + '/rounds'), api('federations/' + q + '/nodes'),
    api('federations/' + q + '/versions'), api('audit?limit=' + MAX_ROWS + '&federation=' + q),
  ]);
  if (id !== state.selected) return;
  state.rounds = rounds;
  state.nodes = nodes;
  state.versions = versions;
  state.audit = audit.reverse();
  state.live = state.federations.get(id).live;
  if (state.live) state.clockOffsetMs = state.live.serverTimeMs - Date.now();
  renderAll();
}

let versionsTimer = null;
function reloadVersionsSoon() {
  clearTimeout(versionsTimer);
  versionsTimer = setTimeout(async () => {
    if (!state.selected) return;
    try {
      state.versions = await api('federations/' + encodeURIComponent(state.selected) + '/versions');
      renderVersions();
      renderHeader();
    } catch (e) { /* the next event retries */ }
  }, 300);
}

function select(id) {
  if (id === state.selected) return;
  state.selected = id;
  history.replaceState(null, '', '#' + encodeURIComponent(id));
  for (const c of Object.values(charts)) c.destroy();
  for (const k of Object.keys(charts)) delete charts[k];
  renderFederationList();
  loadSelected().catch((e) => notice('Could not load ' + id + ': ' + e.message));
}

// ---- live events --------------------------------------------------------------------------------

let source = null;
let silenceTimer = null;
let retryTimer = null;
let retryDelayMs = 1000;
let countdownTimer = null;

function setConnection(kind, text) {
  const c = $('conn');
  c.className = 'conn conn-' + kind;
  $('conn-text').textContent = text;
  document.body.classList.toggle('stale', kind === 'lost');
  show('conn-banner', kind === 'lost');
}

function heard() {
  clearTimeout(silenceTimer);
  silenceTimer = setTimeout(() => lost('no news from the coordinator for ' + SILENCE_MS / 1000 + ' s'), SILENCE_MS);
}

function connect() {
  clearTimeout(retryTimer);
  if (source) source.close();
  setConnection(state.federations.size ? 'lost' : 'connecting', 'Connecting…');
  source = new EventSource('/api/events');
  source.addEventListener('hello', async (e) => {
    heard();
    state.clockOffsetMs = JSON.parse(e.data).serverTimeMs - Date.now();
    try {
      await loadAll();
      retryDelayMs = 1000;
      setConnection('live', 'Live');
    } catch (err) {
      lost(err.message);
    }
  });
  source.addEventListener('ping', heard);
  source.addEventListener('federation', (e) => { heard(); onFederation(JSON.parse(e.data)); });
  source.addEventListener('live', (e) => { heard(); onLive(JSON.parse(e.data)); });
  source.addEventListener('round', (e) => { heard(); onRound(JSON.parse(e.data)); });
  source.addEventListener('audit', (e) => { heard(); onAudit(JSON.parse(e.data)); });
  source.onerror = () => lost('the event stream closed');
}

function lost(reason) {
  if (source) source.close();
  source = null;
  clearTimeout(silenceTimer);
  clearTimeout(retryTimer);
  const delay = retryDelayMs;
  retryDelayMs = Math.min(retryDelayMs * 2, 15000);
  setConnection('lost', 'Offline');
  let left = Math.round(delay / 1000);
  const tick = () => {
    $('conn-banner-text').textContent = 'Data shown may be out of date (' + reason + '). Reconnecting in '
      + left + ' s…';
    left -= 1;
  };
  tick();
  const countdown = setInterval(tick, 1000);
  retryTimer = setTimeout(() => { clearInterval(countdown); connect(); }, delay);
  $('reconnect-now').onclick = () => { clearInterval(countdown); retryDelayMs = 1000; connect(); };
}

function onFederation(f) {
  const known = state.federations.get(f.id);
  f.live = known ? known.live : null;
  const isNew = !known;
  state.federations.set(f.id, f);
  if (!state.selected) {
    state.selected = f.id;
    loadSelected();
  }
  renderFederationList();
  if (f.id === state.selected) {
    renderHeader();
    if (isNew) loadSelected();
  }
}

function onLive(data) {
  const f = state.federations.get(data.federationId);
  if (f) f.live = data.live;
  if (data.federationId !== state.selected) return;
  state.live = data.live;
  if (data.live) state.clockOffsetMs = data.live.serverTimeMs - Date.now();
  state.nodes = data.nodes;
  renderLive();
  renderNodes();
  renderPrivacy();
  renderHeader();
}

function onRound(data) {
  if (data.federationId !== state.selected) return;
  const r = data.round;
  const i = state.rounds.findIndex((x) => x.round === r.round && x.attempt === r.attempt);
  if (i >= 0) state.rounds[i] = r; else state.rounds.push(r);
  renderRounds();
  renderCharts();
  renderPrivacy();
  renderHeader();
  reloadVersionsSoon();
}

function onAudit(event) {
  if (event.federationId && event.federationId !== state.selected) return;
  state.audit.unshift(event);
  state.audit.length = Math.min(state.audit.length, MAX_ROWS);
  renderAudit();
}

// ---- actions ----------------------------------------------------------------------------------

const CONFIRM = {
  start: ['Start federation', 'Start {id}? Rounds begin as soon as enough nodes are connected.'],
  pause: ['Pause federation', 'Pause {id}? The round in progress finishes; no new round starts until you resume.'],
  resume: ['Resume federation', 'Resume {id}? The next round starts right away.'],
  stop: ['Stop federation', 'Stop {id}? Open tasks are cancelled and the federation cannot be restarted.'],
};

function confirmAction(action) {
  const id = state.selected;
  const dialog = $('confirm');
  $('confirm-title').textContent = CONFIRM[action][0];
  $('confirm-text').textContent = CONFIRM[action][1].replace('{id}', id);
  const ok = $('confirm-ok');
  ok.textContent = CONFIRM[action][0].split(' ')[0];
  ok.className = 'btn ' + (action === 'stop' ? 'btn-danger' : 'btn-primary');
  dialog.returnValue = '';
  dialog.onclose = async () => {
    if (dialog.returnValue !== 'ok') return;
    const headers = { [ACTION_HEADER]: '1' };
    const token = sessionToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    try {
      const f = await api('federations/' + encodeURIComponent(id) + '/' + action, {
        method: 'POST', headers,
      });
      notice('');
      onFederation(f);
    } catch (e) {
      if (e.status === 401) {
        forgetToken(); // unknown or expired: a new login is the only way on
        notice('Not signed in, so nothing was changed: sign in with `cohort dashboard-login`'
          + ' and open the URL it prints. (' + e.message + ')');
      } else {
        notice(e.message);
      }
    }
  };
  dialog.showModal();
  $('confirm-cancel').focus();
}

// ---- rendering ----------------------------------------------------------------------------------

function renderAll() {
  renderFederationList();
  renderHeader();
  renderLive();
  renderNodes();
  renderCharts();
  renderPrivacy();
  renderVersions();
  renderRounds();
  renderAudit();
}

function renderFederationList() {
  const list = $('fed-list');
  list.replaceChildren();
  for (const f of [...state.federations.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const button = el('button', {
      type: 'button', class: 'fed-item', 'aria-current': f.id === state.selected ? 'true' : null,
      'data-federation': f.id,
    }, el('span', {}, f.id, el('small', { text: 'round ' + f.completedRounds + ' of ' + f.totalRounds })),
    badge(f.state));
    button.addEventListener('click', () => select(f.id));
    list.append(el('li', {}, button));
  }
  show('fed-empty', state.federations.size === 0);
}

function renderHeader() {
  const f = state.federations.get(state.selected);
  show('fed-header', !!f);
  if (!f) return;
  $('fed-title').textContent = f.id;
  const stateBadge = $('fed-state');
  stateBadge.className = 'badge s-' + f.state;
  stateBadge.textContent = humanize(f.state);
  const model = f.model.architecture + (f.model.hiddenLayers && f.model.hiddenLayers.length
    ? ' (' + f.model.hiddenLayers.join('×') + ')' : '');
  $('fed-meta').textContent = 'Strategy ' + f.strategy + ' · model ' + model + ' · '
    + f.model.inputFeatures + ' features · quorum ' + f.quorum + ' · at least ' + f.minNodes
    + ' nodes per round · deadline ' + duration(f.roundTimeoutMs);
  $('fed-failure').textContent = f.failureReason ? 'Failed: ' + f.failureReason : '';
  show('fed-failure', !!f.failureReason && f.state === 'FAILED');
  for (const action of ['start', 'pause', 'resume', 'stop']) {
    show('action-' + action, f.actions.includes(action));
  }
  $('kpi-rounds').textContent = f.completedRounds + ' / ' + f.totalRounds;
  $('kpi-nodes').textContent = f.nodesConnected + ' / ' + f.nodesKnown;
  const last = [...state.rounds].reverse().find((r) => r.global);
  $('kpi-accuracy').textContent = last ? pct(last.global.accuracy) : '—';
  $('kpi-loss').textContent = last ? fmt(last.global.loss) : '—';
  $('kpi-version').textContent = shortVersion(f.currentModelVersion);
  $('kpi-version').title = f.currentModelVersion;
}

function renderLive() {
  const f = state.federations.get(state.selected);
  show('panel-live', !!f);
  const live = state.live;
  show('live-idle', !live);
  show('live-body', !!live);
  $('live-idle').textContent = f && f.state === 'PAUSED' ? 'Paused: no new round starts until the federation is resumed.'
    : f && f.state === 'RUNNING' ? 'Waiting for enough nodes to start the next round…'
      : 'No round in progress.';
  if (!live) return;
  $('live-round').textContent = 'Round ' + live.round + (live.attempt > 1 ? ' (attempt ' + live.attempt + ')' : '');
  $('live-phase').textContent = live.phase;
  const expected = live.phase === 'evaluating' ? live.evaluationsExpected : live.updatesExpected;
  const received = live.phase === 'evaluating' ? live.evaluationsReceived : live.updatesReceived;
  $('live-received').textContent = live.phase === 'evaluating'
    ? live.updatesReceived + ' updates; evaluations ' + received + ' of ' + expected
    : received + ' of ' + expected;
  const bar = $('live-progress');
  bar.max = Math.max(1, expected);
  bar.value = received;
  bar.setAttribute('aria-valuetext', received + ' of ' + expected);
  const chips = $('live-selected');
  chips.replaceChildren();
  const tasks = live.phase === 'training' ? (live.tasks || {}) : {};
  for (const node of live.selected) {
    const st = tasks[node] || (live.phase === 'training' ? 'open' : null);
    chips.append(el('li', { class: 'chip', 'data-state': st, text: node + (st ? ' · ' + humanize(st) : '') }));
  }
  updateCountdown();
}

function updateCountdown() {
  const live = state.live;
  const target = $('live-deadline');
  if (!live || !live.deadlineMs) {
    target.textContent = '—';
    return;
  }
  const left = Math.max(0, live.deadlineMs - (Date.now() + state.clockOffsetMs));
  const s = Math.ceil(left / 1000);
  target.textContent = left === 0 ? 'passed' : Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function renderNodes() {
  show('panel-nodes', state.nodes.length > 0);
  const body = $('nodes-table').tBodies[0];
  body.replaceChildren();
  for (const n of state.nodes) {
    body.append(el('tr', { 'data-node': n.id },
      el('td', { class: 'mono', text: n.id }),
      el('td', {}, badge(n.status)),
      el('td', { text: ago(n.lastSeenMs), title: n.lastSeenMs ? new Date(n.lastSeenMs).toISOString() : '' }),
      el('td', { class: 'num', text: n.trainExamples.toLocaleString() }),
      el('td', { text: n.device || '—' }),
      el('td', { class: 'num', text: n.roundsContributed }),
      el('td', { class: 'num', text: n.differentialPrivacy || n.epsilonSpent > 0 ? fmt(n.epsilonSpent, 3) : '—' }),
      flagsCell(n)));
  }
}

// Updates a robust strategy left out or found outlying, and uploads refused for their content.
function flagsCell(n) {
  const count = (n.flaggedUpdates || 0) + (n.rejectedUploads || 0);
  const text = count === 0 ? '—' : n.flaggedUpdates + ' flagged · ' + n.rejectedUploads + ' refused';
  const cell = el('td', { class: 'flags', title: n.lastFlagReason || '' });
  if (n.suspect) cell.append(badge('refused', 'suspect'), ' ');
  cell.append(text);
  return cell;
}

function renderCharts() {
  const succeeded = state.rounds.filter((r) => r.outcome === 'SUCCEEDED' && r.global);
  show('panel-loss', succeeded.length > 0);
  show('panel-accuracy', succeeded.length > 0);
  if (!succeeded.length || typeof Chart === 'undefined') return;
  drawChart('loss', succeeded, (m) => m.loss, 'Loss', false);
  drawChart('accuracy', succeeded, (m) => m.accuracy, 'Accuracy', true);
}

function drawChart(name, rounds, pick, label, percent) {
  const labels = rounds.map((r) => r.round);
  const sites = [...new Set(rounds.flatMap((r) => Object.keys(r.sites)))].sort();
  const datasets = [{
    label: 'Global (all held-out data)', data: rounds.map((r) => pick(r.global)),
    borderColor: '#0f1b3d', backgroundColor: '#0f1b3d', borderWidth: 3, pointRadius: 2, tension: 0.2,
  }];
  sites.forEach((site, i) => datasets.push({
    label: site, data: rounds.map((r) => (r.sites[site] ? pick(r.sites[site]) : null)),
    borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length],
    borderWidth: 1.5, pointRadius: 0, borderDash: [5, 3], tension: 0.2, spanGaps: true,
  }));
  const last = rounds[rounds.length - 1];
  $('chart-' + name).setAttribute('aria-label', label + ' per round for ' + rounds.length
    + ' rounds; latest global ' + label.toLowerCase() + ' ' + (percent ? pct(pick(last.global)) : fmt(pick(last.global))));
  if (charts[name]) {
    charts[name].data.labels = labels;
    charts[name].data.datasets = datasets;
    charts[name].update('none');
    return;
  }
  charts[name] = new Chart($('chart-' + name), {
    type: 'line',
    data: { labels, datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { title: { display: true, text: 'Round' }, ticks: { color: '#4a5568' } },
        y: {
          title: { display: true, text: label }, ticks: {
            color: '#4a5568', callback: (v) => (percent ? Math.round(v * 100) + ' %' : v),
          },
        },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, color: '#172033' } } },
    },
  });
}

function renderPrivacy() {
  const spentByRound = new Map();
  for (const r of state.rounds) for (const [node, e] of Object.entries(r.epsilon || {})) spentByRound.set(node, e);
  const owners = state.nodes.filter((n) => n.differentialPrivacy || n.epsilonBudget > 0 || n.epsilonSpent > 0
    || spentByRound.has(n.id));
  show('panel-privacy', owners.length > 0);
  const list = $('privacy-list');
  list.replaceChildren();
  for (const n of owners) {
    const spent = Math.max(n.epsilonSpent, spentByRound.get(n.id) || 0);
    const budget = n.epsilonBudget;
    const share = budget > 0 ? Math.min(1, spent / budget) : 0;
    const meter = el('div', {
      class: 'meter' + (budget > 0 && spent >= budget ? ' over' : ''), role: 'meter',
      'aria-label': 'ε spent by ' + n.id, 'aria-valuemin': '0', 'aria-valuemax': String(budget || spent || 1),
      'aria-valuenow': String(spent),
    }, el('span', { style: 'width:' + (100 * share).toFixed(1) + '%' }));
    list.append(el('li', { 'data-owner': n.id },
      el('div', { class: 'meter-head' }, el('span', { class: 'mono', text: n.id }),
        el('span', {
          text: 'ε ' + fmt(spent, 3) + (budget > 0 ? ' of ' + fmt(budget, 2) : ' (no budget reported)')
            + (n.delta > 0 ? ' · δ ' + n.delta.toExponential(0) : '')
            + (n.status === 'BUDGET_EXHAUSTED' ? ' · exhausted' : ''),
        })),
      meter));
  }
}

function renderVersions() {
  show('panel-versions', state.versions.length > 0);
  const list = $('versions-list');
  list.replaceChildren();
  for (const v of state.versions) {
    const m = v.metrics;
    list.append(el('li', { class: v.current ? 'current' : '', 'data-version': v.version },
      el('div', { class: 'v-head' },
        el('span', { class: 'mono', text: shortVersion(v.version), title: v.version }),
        el('span', { text: v.round === 0 ? 'initial model' : 'round ' + v.round }),
        v.current ? badge('CONNECTED', 'current') : null),
      el('div', {
        class: 'v-meta',
        text: (m ? 'accuracy ' + pct(m.accuracy) + ' · loss ' + fmt(m.loss) + (m.auc !== null ? ' · AUC ' + fmt(m.auc, 3) : '') : 'not evaluated')
          + (v.parents.length ? ' · from ' + v.parents.map(shortVersion).join(', ') : '')
          + (v.participants.length ? ' · ' + v.participants.length + ' participants' : ''),
      })));
  }
}

function renderRounds() {
  show('panel-rounds', state.rounds.length > 0);
  const body = $('rounds-table').tBodies[0];
  body.replaceChildren();
  for (const r of [...state.rounds].reverse().slice(0, MAX_ROWS)) {
    body.append(el('tr', { 'data-round': r.round + '.' + r.attempt },
      el('td', { class: 'num', text: r.round + (r.attempt > 1 ? ' (' + r.attempt + ')' : '') }),
      el('td', {}, badge(r.outcome)),
      el('td', { class: 'num', text: r.participants.length }),
      el('td', { text: r.dropped.join(', ') || '—' }),
      el('td', { class: 'num', text: r.global ? fmt(r.global.loss) : '—' }),
      el('td', { class: 'num', text: r.global ? pct(r.global.accuracy) : '—' }),
      el('td', { class: 'num', text: r.global ? fmt(r.global.auc, 3) : '—' }),
      el('td', { class: 'num', text: duration(r.durationMs) }),
      el('td', { class: 'mono', text: shortVersion(r.modelVersion), title: r.modelVersion })));
  }
}

function renderAudit() {
  show('panel-audit', state.audit.length > 0);
  const body = $('audit-table').tBodies[0];
  body.replaceChildren();
  for (const a of state.audit) {
    body.append(el('tr', { 'data-sequence': a.sequence },
      el('td', { text: new Date(a.atMs).toLocaleTimeString(), title: new Date(a.atMs).toISOString() }),
      el('td', { class: 'mono', text: a.actor }),
      el('td', { text: a.action }),
      el('td', { class: 'mono', text: a.target || a.federationId || '—' }),
      el('td', { class: 'mono', text: a.peer }),
      el('td', {}, badge(a.outcome)),
      el('td', { class: 'detail', text: a.detail })));
  }
}

// ---- billing ------------------------------------------------------------------------------------
// From the billing service, through the coordinator's /api/billing (404 = not connected: the
// billing panels stay hidden). Money is integer micro-units; 64-bit numbers arrive as strings.

const BILLING_REFRESH_MS = 5000;

async function loadBilling() {
  try {
    const response = await fetch('/api/billing', { cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (response.status === 404) {
      state.billing = null;
      state.billingError = null;
    } else if (response.ok) {
      state.billing = body;
      state.billingError = null;
    } else {
      state.billingError = body.error || ('HTTP ' + response.status);
    }
  } catch (e) {
    state.billingError = 'billing unreachable: ' + e.message;
  }
  renderBilling();
}

function money(micros, currency) {
  const value = Number(micros) / 1e6;
  try {
    return value.toLocaleString(undefined, {
      style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 4,
    });
  } catch (e) {
    return value.toFixed(4) + ' ' + currency;
  }
}

function periodLabel(period) {
  const start = new Date(Number(period.startMs));
  const lengthMs = Number(period.endMs) - Number(period.startMs);
  return lengthMs < 86400000 ? start.toLocaleTimeString() : start.toLocaleDateString();
}

function renderBilling() {
  const b = state.billing;
  const periods = b ? b.periods || [] : [];
  const owners = b ? (b.balances || []).filter((x) => x.account.startsWith('owner:')) : [];
  const invoices = b ? b.invoices || [] : [];
  show('panel-revenue', periods.length > 0);
  show('panel-payouts', owners.length > 0);
  show('panel-invoices', invoices.length > 0);
  $('billing-error').textContent = state.billingError ? 'Billing: ' + state.billingError : '';
  $('billing-error').hidden = !state.billingError;
  if (!b) return;
  const cur = b.currency;
  const sum = (pick) => periods.reduce((acc, p) => acc + Number(pick(p)), 0);
  $('kpi-revenue').textContent = money(sum((p) => p.revenueMicros), cur);
  $('kpi-royalties').textContent = money(sum((p) => p.royaltiesMicros), cur);
  $('kpi-platform').textContent = money(sum((p) => p.platformMicros), cur);
  $('kpi-predictions').textContent = sum((p) => p.predictions).toLocaleString();

  const earned = owners.reduce((acc, o) => acc + Number(o.balanceMicros), 0);
  const payouts = $('payouts-table').tBodies[0];
  payouts.replaceChildren();
  for (const o of [...owners].sort((x, y) => Number(y.balanceMicros) - Number(x.balanceMicros))) {
    payouts.append(el('tr', { 'data-account': o.account },
      el('td', { class: 'mono', text: o.account.slice('owner:'.length) }),
      el('td', { class: 'num', text: money(o.balanceMicros, cur) }),
      el('td', { class: 'num', text: earned ? pct(Number(o.balanceMicros) / earned) : '—' })));
  }

  const rows = $('invoices-table').tBodies[0];
  rows.replaceChildren();
  for (const i of invoices.slice(0, MAX_ROWS)) {
    rows.append(el('tr', { 'data-consumer': i.consumerId },
      el('td', { class: 'mono', text: i.consumerId }),
      el('td', { text: periodLabel(i.period), title: i.period.periodId }),
      el('td', {}, badge(i.period.closed ? 'closed' : 'open', i.period.closed ? 'final' : 'open')),
      el('td', { class: 'num', text: Number(i.predictions).toLocaleString() }),
      el('td', { class: 'num', text: money(i.amountMicros, cur) })));
  }
  if (periods.length && typeof Chart !== 'undefined') drawRevenue([...periods].reverse(), cur);
}

function drawRevenue(periods, currency) {
  const labels = periods.map((p) => periodLabel(p.period));
  const series = [
    ['Paid by consumers', (p) => p.revenueMicros, PALETTE[0]],
    ['Paid to owners', (p) => p.royaltiesMicros, PALETTE[2]],
    ['Platform', (p) => p.platformMicros, PALETTE[1]],
  ];
  const datasets = series.map(([label, pick, color]) => ({
    label, data: periods.map((p) => Number(pick(p)) / 1e6), backgroundColor: color,
  }));
  const last = periods[periods.length - 1];
  $('chart-revenue').setAttribute('aria-label', 'Revenue per billing period for ' + periods.length
    + ' periods; latest period ' + money(last.revenueMicros, currency) + ' paid by consumers');
  if (charts.revenue) {
    charts.revenue.data.labels = labels;
    charts.revenue.data.datasets = datasets;
    charts.revenue.update('none');
    return;
  }
  charts.revenue = new Chart($('chart-revenue'), {
    type: 'bar',
    data: { labels, datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { title: { display: true, text: 'Billing period' }, ticks: { color: '#4a5568' } },
        y: { title: { display: true, text: currency }, ticks: { color: '#4a5568' } },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, color: '#172033' } } },
    },
  });
}

// ---- start ----------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('[data-action]')) {
    button.addEventListener('click', () => confirmAction(button.dataset.action));
  }
  countdownTimer = setInterval(() => {
    updateCountdown();
    if (state.nodes.length) {
      for (const row of $('nodes-table').tBodies[0].rows) {
        const n = state.nodes.find((x) => x.id === row.dataset.node);
        if (n) row.cells[2].textContent = ago(n.lastSeenMs);
      }
    }
  }, 500);
  connect();
  loadBilling();
  setInterval(loadBilling, BILLING_REFRESH_MS);
});
