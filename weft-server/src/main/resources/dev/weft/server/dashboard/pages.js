// The dashboard's pages. Each returns { element, title, stop() }; stop() ends its polling and streams.
import { api, ApiError, events, seg } from './api.js';
import { badge, between, duration, errorBox, fill, h, jsonBlock, progressBar, shortId, when } from './ui.js';

const REQUEST_STATES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const PAGE_SIZE = 25;
/** How often lists are read again while the page is visible: a new request shows within this. */
const POLL_MS = 1000;
/** Rows of a call tree drawn at most; a bigger tree says how many it leaves out. */
const MAX_ROWS = 500;
/** A running request with more calls than this has them read every 5 s instead of every second. */
const BIG_TREE = 1000;

/** Runs fn now and every ms while the page is visible, until the returned stop() is called. */
function poll(fn, ms) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await fn();
      } catch (e) {
        if (e.name !== 'AbortError') console.warn('weft dashboard:', e);
      }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function describe(e) {
  return e instanceof ApiError ? `${e.message} (${e.status} ${e.code})` : String(e.message || e);
}

/** Reads path; if that fails, says so in box ("Cannot list <what>") and throws on (poll logs it). */
async function readInto(box, path, what) {
  try {
    return await api(path);
  } catch (e) {
    fill(box, errorBox('Cannot list ' + what, describe(e)));
    throw e;
  }
}

function pageHeader(title, ...rest) {
  return h('div', { class: 'page-head' }, h('h1', {}, title), ...rest);
}

let applicationsCache = null;
function applications() {
  if (!applicationsCache) {
    applicationsCache = api('/v1/applications').catch((e) => {
      applicationsCache = null;
      throw e;
    });
  }
  return applicationsCache;
}

// ---------------------------------------------------------------- requests

export function requestsPage(params) {
  const application = params.get('application') || '';
  const state = params.get('state') || '';
  const cursor = params.get('cursor') || '';

  const go = (changes) => {
    const q = new URLSearchParams({ application, state, ...changes });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    location.hash = '#/requests' + (q.toString() ? '?' + q : '');
  };

  const appSelect = h('select', { id: 'filter-application', onchange: (e) => go({ application: e.target.value, cursor: '' }) },
    h('option', { value: '' }, 'All applications'));
  if (application) appSelect.append(h('option', { value: application, selected: true }, application));
  applications().then((apps) => {
    fill(appSelect, h('option', { value: '' }, 'All applications'),
      apps.map((a) => h('option', { value: a.name, selected: a.name === application }, a.name)));
  }).catch(() => {});
  const stateSelect = h('select', { id: 'filter-state', onchange: (e) => go({ state: e.target.value, cursor: '' }) },
    h('option', { value: '' }, 'All states'),
    REQUEST_STATES.map((s) => h('option', { value: s, selected: s === state }, s.toLowerCase())));

  const body = h('tbody', { id: 'requests-body' });
  const status = h('p', { class: 'muted small', id: 'requests-status' });
  const pager = h('div', { class: 'pager' });
  const table = h('table', { class: 'table', id: 'requests' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Request'), h('th', { scope: 'col' }, 'Application'), h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Progress'), h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col', class: 'num' }, 'Duration'))),
    body);
  const element = h('section', { class: 'page' },
    pageHeader('Requests', h('p', { class: 'muted' }, 'Newest first; updates live.')),
    h('div', { class: 'filters', role: 'search' },
      h('label', { for: 'filter-application' }, 'Application'), appSelect,
      h('label', { for: 'filter-state' }, 'State'), stateSelect),
    h('div', { class: 'card flush' }, table),
    pager, status);

  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (application) q.set('application', application);
  if (state) q.set('state', state);
  if (cursor) q.set('cursor', cursor);

  const stop = poll(async () => {
    let page;
    try {
      page = await api('/v1/requests?' + q);
    } catch (e) {
      fillIfChanged(body, 'error ' + describe(e), h('tr', {}, h('td', { colspan: 6 }, errorBox('Cannot list requests', describe(e)))));
      throw e;
    }
    if (page.requests.length === 0) {
      fillIfChanged(body, 'empty', h('tr', { class: 'empty' }, h('td', { colspan: 6 },
        cursor ? 'No older requests.' : ['No requests', application || state ? ' match these filters' : ' yet', '. ',
          h('a', { href: '#/applications' }, 'Start one from an application'), '.'])));
    } else {
      // a running request's duration changes every second; a finished row is redrawn only if it changed
      const tick = Math.floor(Date.now() / 1000);
      delete body.dataset.sig;
      reconcile(body, page.requests.map((r) => [r.id, JSON.stringify(r) + (r.state === 'RUNNING' ? tick : ''),
        () => h('tr', { class: 'request-row', dataset: { id: r.id, state: r.state } },
          h('td', {}, h('a', { class: 'mono', href: '#/requests/' + seg(r.id), title: r.id }, shortId(r.id))),
          h('td', {}, r.application),
          h('td', {}, badge(r.state)),
          h('td', {}, progressBar(r.progress, { compact: true })),
          h('td', {}, when(r.created_at)),
          h('td', { class: 'num' }, duration(between(r.created_at, r.finished_at))))]));
    }
    fillIfChanged(pager, page.next_cursor || '',
      cursor ? h('a', { class: 'button', href: '#/requests' + (application || state ? '?' + new URLSearchParams(
        Object.entries({ application, state }).filter(([, v]) => v)) : '') }, '← Newest') : null,
      page.next_cursor ? h('button', { type: 'button', onclick: () => go({ cursor: page.next_cursor }) }, 'Older →') : null);
    status.textContent = 'Updated ' + new Date().toLocaleTimeString();
  }, POLL_MS);

  return { element, title: 'Requests', stop };
}

/** Replaces el's children unless it already shows what sig names (a focused link or button stays). */
function fillIfChanged(el, sig, ...children) {
  if (el.dataset.sig !== sig) {
    el.dataset.sig = sig;
    fill(el, ...children);
  }
}

/**
 * Brings tbody's rows to rows ([key, signature, make()] in order) touching only what changed, so
 * the row a keyboard user has focused stays in place while the list updates around it.
 */
function reconcile(tbody, rows) {
  const existing = new Map();
  for (const tr of tbody.children) {
    if (tr.dataset.key) existing.set(tr.dataset.key, tr);
  }
  const keep = new Set();
  let at = tbody.firstElementChild;
  for (const [key, sig, make] of rows) {
    let tr = existing.get(key);
    if (!tr || tr.dataset.sig !== sig) {
      const fresh = make();
      fresh.dataset.key = key;
      fresh.dataset.sig = sig;
      if (tr) {
        tr.replaceWith(fresh);
        if (at === tr) at = fresh;
      }
      tr = fresh;
    }
    keep.add(tr);
    if (tr === at) {
      at = at.nextElementSibling;
    } else {
      tbody.insertBefore(tr, at);
    }
  }
  for (const tr of [...tbody.children]) {
    if (!keep.has(tr)) tr.remove();
  }
}

// ---------------------------------------------------------------- one request

export function requestPage(id) {
  const base = '/v1/requests/' + seg(id);
  const abort = new AbortController();
  let info = null;
  let calls = [];
  let output;
  let input;
  let reads = 0;
  let finished = false;
  let stopPoll = () => {};

  const headBox = h('div', { class: 'card request-head' });
  const progressBox = h('div', { id: 'request-progress' });
  const outcomeBox = h('div', { id: 'request-outcome' });
  const callsBox = h('div', { id: 'calls' });
  const notice = h('div', { id: 'request-notice', 'aria-live': 'polite' });
  const element = h('section', { class: 'page' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/requests' }, 'Requests'), ' / ',
      h('span', { class: 'mono' }, id)),
    headBox, notice, progressBox, outcomeBox,
    h('h2', {}, 'Calls'), callsBox);

  const cancel = async (button) => {
    button.disabled = true;
    button.textContent = 'Cancelling…';
    try {
      const r = await api(base, { method: 'DELETE' });
      // cancelled here: the outcome box says so; else another node of the fleet will stop it
      fill(notice, r.state === 'CANCELLED' ? null
        : h('div', { class: 'alert info' }, 'Cancel asked; the node running the request will stop it.'));
    } catch (e) {
      fill(notice, errorBox('Cannot cancel', describe(e)));
    }
    await refresh();
  };

  let headSig = null;
  let took = null;
  function renderHead() {
    const running = info.state === 'RUNNING';
    const sig = info.state + ' ' + info.finished_at;
    if (sig === headSig) {
      took.textContent = duration(between(info.created_at, info.finished_at)); // keeps the focus on Cancel
      return;
    }
    headSig = sig;
    took = h('dd', {}, duration(between(info.created_at, info.finished_at)));
    fill(headBox,
      h('div', { class: 'head-row' },
        h('h1', {}, info.application), badge(info.state), h('span', { class: 'spacer' }),
        running ? h('button', { type: 'button', class: 'danger', id: 'cancel', onclick: (e) => cancel(e.currentTarget) },
          'Cancel request') : null),
      h('dl', { class: 'meta' },
        h('div', {}, h('dt', {}, 'Request id'), h('dd', { class: 'mono', id: 'request-id' }, info.id)),
        h('div', {}, h('dt', {}, 'Started'), h('dd', {}, when(info.created_at))),
        h('div', {}, h('dt', {}, 'Finished'), h('dd', {}, when(info.finished_at))),
        h('div', {}, h('dt', {}, running ? 'Running for' : 'Took'), took)));
  }

  function renderProgress() {
    fill(progressBox, info.progress ? h('div', { class: 'card' }, h('h2', { class: 'small-title' }, 'Progress'),
      progressBar(info.progress)) : null);
  }

  function renderOutcome() {
    const card = (title, value, id) => h('div', { class: 'card' }, h('h2', { class: 'small-title' }, title),
      jsonBlock(value, { id }));
    let end = null;
    if (info.state === 'SUCCEEDED' && output !== undefined) {
      end = card('Output', output, 'output');
    } else if (info.state === 'CANCELLED') {
      end = h('div', { class: 'alert neutral', id: 'request-error' }, h('strong', {}, 'Cancelled'),
        h('div', {}, 'The request and every call it was running were cancelled.'));
    } else if (info.error) {
      end = errorBox('Failed: ' + (info.error.type || ''), info.error.message, { id: 'request-error' });
    }
    fill(outcomeBox, h('div', { class: 'pair' }, input === undefined ? null : card('Input', input, 'input'), end));
  }

  function render() {
    renderHead();
    renderProgress();
    renderOutcome();
    fill(callsBox, callTree(calls, info));
  }

  async function refresh() {
    info = await api(base, { signal: abort.signal });
    if (input === undefined) {
      input = await api(base + '/input', { signal: abort.signal });
    }
    // a big tree is read again every fifth time only while the request runs (it is a big answer)
    reads += 1;
    if (calls.length <= BIG_TREE || info.state !== 'RUNNING' || reads % 5 === 0) {
      calls = (await api(base + '/calls', { signal: abort.signal })).calls;
    }
    if (info.state === 'SUCCEEDED' && output === undefined) {
      output = await api(base + '/output', { signal: abort.signal });
    }
    render();
    if (info.state !== 'RUNNING' && !finished) {
      finished = true;
      // read again a moment later: a durable journal commits the last call rows just after the end
      for (const ms of [600, 2000]) {
        setTimeout(() => { if (!abort.signal.aborted) refresh().catch(() => {}); }, ms);
      }
      stopPoll();
    }
  }

  (async () => {
    try {
      await refresh();
    } catch (e) {
      if (e.name === 'AbortError') return;
      fill(headBox, errorBox(e.status === 404 ? 'No such request' : 'Cannot read the request', describe(e)));
      return;
    }
    if (finished) return;
    stopPoll = poll(() => refresh(), POLL_MS);
    events(base + '/progress', (name, data) => {
      if (!info) return;
      if (name === 'progress') {
        info.progress = data;
        renderProgress();
      } else if (name === 'done') {
        refresh().catch(() => {});
      }
    }, { signal: abort.signal }).catch(() => {});
  })();

  return {
    element,
    title: 'Request ' + shortId(id),
    stop() {
      abort.abort();
      stopPoll();
    },
  };
}

/**
 * The call tree as rows in tree order (each call under the call that made it), with a waterfall:
 * each call's bar spans from its start to its end on the request's time axis.
 */
function callTree(calls, info) {
  if (calls.length === 0) {
    return h('p', { class: 'muted', id: 'calls-empty' }, 'No calls recorded. A durable journal (SQLite, PostgreSQL) '
      + 'shows a call a moment after it starts; an in-memory journal keeps none.');
  }
  const byId = new Map(calls.map((c) => [c.id, c]));
  // The items of a map name the map as their parent, which has no row of its own: they go under
  // the entry call (the one without a parent), which every call descends from.
  const entry = calls.find((c) => !c.parent);
  const children = new Map();
  const roots = [];
  for (const c of calls) {
    const parent = c.parent && (byId.has(c.parent) ? c.parent : entry && entry.id);
    if (parent && parent !== c.id) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(c);
    } else {
      roots.push(c);
    }
  }
  const ordered = [];
  const visit = (c, depth) => {
    ordered.push([c, depth]);
    for (const k of children.get(c.id) || []) visit(k, depth + 1);
  };
  roots.forEach((r) => visit(r, 0));

  const now = Date.now();
  const starts = calls.filter((c) => c.started_at).map((c) => Date.parse(c.started_at));
  const t0 = Math.min(Date.parse(info.created_at), ...starts);
  // A call of a finished request with no recorded end is drawn up to the request's end.
  const requestEnd = info.finished_at ? Date.parse(info.finished_at) : now;
  const ends = calls.map((c) => (c.finished_at ? Date.parse(c.finished_at) : requestEnd));
  const t1 = Math.max(requestEnd, ...ends, t0 + 1);
  const span = t1 - t0;
  const pct = (t) => (100 * (t - t0)) / span;

  const functions = new Map();
  let failedAttempts = 0;
  for (const c of calls) {
    functions.set(c.function, (functions.get(c.function) || 0) + 1);
    failedAttempts += c.failed_attempts;
  }
  const failedCalls = calls.filter((c) => c.state === 'FAILED' || c.state === 'UNSERIALIZABLE').length;

  const summary = h('div', { class: 'chips', id: 'calls-summary' },
    h('span', { class: 'chip strong', id: 'calls-count' }, `${calls.length} call${calls.length === 1 ? '' : 's'}`),
    [...functions].map(([f, n]) => h('span', { class: 'chip' }, h('span', { class: 'mono' }, f), ' × ' + n)),
    failedAttempts ? h('span', { class: 'chip warn' }, `${failedAttempts} failed attempt${failedAttempts === 1 ? '' : 's'}`) : null,
    failedCalls ? h('span', { class: 'chip bad' }, `${failedCalls} failed call${failedCalls === 1 ? '' : 's'}`) : null);

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = h('span', { class: 'tick' }, duration(f * span));
    t.style.left = f * 100 + '%';
    return t;
  });
  const rows = [];
  for (const [c, depth] of ordered.slice(0, MAX_ROWS)) {
    const start = c.started_at ? Date.parse(c.started_at) : t0;
    const end = c.finished_at ? Date.parse(c.finished_at) : requestEnd;
    const open = !c.finished_at && info.state !== 'RUNNING';
    const bar = h('span', { class: 'span ' + (open ? 'open' : c.state.toLowerCase()) + (c.failed_attempts ? ' retried' : ''),
      title: `${c.function}: ${duration(end - start)}${c.finished_at ? '' : open ? ' (no end recorded)' : ' so far'}` });
    bar.style.left = pct(start) + '%';
    bar.style.width = Math.max(0.4, pct(end) - pct(start)) + '%';
    const name = h('td', { class: 'fn' }, h('span', { class: 'mono' }, c.function));
    name.style.paddingLeft = 0.75 + depth * 1.1 + 'rem';
    if (depth > 0) name.classList.add('child');
    const attempts = c.state === 'FAILED' ? Math.max(1, c.failed_attempts) : c.failed_attempts + 1;
    rows.push(h('tr', { class: 'call', dataset: { callId: c.id, state: c.state, function: c.function, failedAttempts: c.failed_attempts } },
      name,
      h('td', {}, open ? h('span', { class: 'badge other', dataset: { state: c.state },
        title: `recorded as ${c.state.toLowerCase()}: the journal has no end for this call, though its request has finished` },
      'no end recorded') : badge(c.state)),
      h('td', { class: 'num attempts' }, c.failed_attempts
        ? h('span', { class: 'warn-text', title: `${c.failed_attempts} of ${attempts} attempts failed` },
          `${attempts} (${c.failed_attempts} failed)`)
        : String(attempts)),
      h('td', { class: 'num' }, c.started_at && !open ? duration(end - start) : '—'),
      h('td', { class: 'timeline' }, h('span', { class: 'track' }, bar))));
    if (c.error) {
      rows.push(h('tr', { class: 'call-error', dataset: { callId: c.id } },
        h('td', { colspan: 5 }, h('div', { class: 'call-error-text' },
          h('strong', {}, c.state === 'FAILED' ? 'Failed' : 'Last failure', c.error.type ? ': ' + c.error.type : ''),
          ' — ', c.error.message))));
    }
  }
  const table = h('table', { class: 'table calls', id: 'call-tree' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Function'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col', class: 'num' }, 'Attempts'),
      h('th', { scope: 'col', class: 'num' }, 'Duration'),
      h('th', { scope: 'col', class: 'timeline' }, h('span', { class: 'axis', id: 'timeline-axis', 'aria-label': 'time since the request started' }, ticks)))),
    h('tbody', {}, rows));
  return h('div', {}, summary, h('div', { class: 'card flush scroll' }, table),
    ordered.length > MAX_ROWS ? h('p', { class: 'muted small' }, `${ordered.length - MAX_ROWS} more calls not drawn.`) : null);
}

// ---------------------------------------------------------------- applications

export function applicationsPage(selected) {
  const list = h('nav', { class: 'app-list', 'aria-label': 'Applications' });
  const detail = h('div', { class: 'app-detail' });
  const element = h('section', { class: 'page' },
    pageHeader('Applications', h('p', { class: 'muted' }, 'What this server hosts, and a form to start a request.')),
    h('div', { class: 'split' }, list, detail));

  applications().then((apps) => {
    if (apps.length === 0) {
      fill(detail, h('p', { class: 'muted' }, 'This server hosts no applications.'));
      return;
    }
    const app = apps.find((a) => a.name === selected) || apps[0];
    fill(list, apps.map((a) => h('a', { href: '#/applications/' + seg(a.name), class: 'app-link',
      'aria-current': a === app ? 'page' : null }, h('span', { class: 'mono' }, a.name),
      a.description ? h('span', { class: 'muted small' }, a.description) : null)));
    fill(detail, applicationDetail(app));
  }).catch((e) => fill(detail, errorBox('Cannot list the applications', describe(e))));

  return { element, title: selected || 'Applications', stop() {} };
}

function applicationDetail(app) {
  const input = h('textarea', { id: 'submit-input', rows: 6, spellcheck: 'false', class: 'mono', 'aria-describedby': 'submit-hint' },
    JSON.stringify(app.input_example, null, 2));
  const key = h('input', { id: 'submit-key', type: 'text', autocomplete: 'off', placeholder: 'optional, e.g. order-42' });
  const result = h('div', { id: 'submit-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'submit-button' }, 'Start request');
  const form = h('form', { id: 'submit-form', class: 'card', novalidate: true },
    h('h2', { class: 'small-title' }, 'Start a request'),
    h('label', { for: 'submit-input' }, 'Input (JSON)'), input,
    h('p', { class: 'muted small', id: 'submit-hint' }, 'Prefilled with an example that fits the input schema (below).'),
    h('label', { for: 'submit-key' }, 'Idempotency key'), key,
    h('div', { class: 'actions' }, button), result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let body;
    try {
      body = JSON.stringify(JSON.parse(input.value));
    } catch (err) {
      fill(result, errorBox('The input is not JSON', err.message));
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const headers = key.value.trim() ? { 'Idempotency-Key': key.value.trim() } : {};
      const r = await api('/v1/applications/' + seg(app.name), { method: 'POST', body, headers });
      location.hash = '#/requests/' + seg(r.request_id);
    } catch (err) {
      fill(result, errorBox('Not started', describe(err)));
      button.disabled = false;
    }
  });
  return h('div', {},
    h('div', { class: 'card' },
      h('h2', { class: 'mono' }, app.name),
      app.description ? h('p', {}, app.description) : null,
      h('dl', { class: 'meta' },
        h('div', {}, h('dt', {}, 'Input type'), h('dd', { class: 'mono' }, app.input_type)),
        h('div', {}, h('dt', {}, 'Output type'), h('dd', { class: 'mono' }, app.output_type)))),
    form,
    h('div', { class: 'card' },
      h('h2', { class: 'small-title' }, 'Schemas (JSON Schema 2020-12)'),
      h('details', { open: true }, h('summary', {}, 'Input'), jsonBlock(app.input_schema, { id: 'input-schema' })),
      h('details', {}, h('summary', {}, 'Output'), jsonBlock(app.output_schema))));
}

// ---------------------------------------------------------------- services

export function servicesPage() {
  const box = h('div', { id: 'services' });
  const element = h('section', { class: 'page' },
    pageHeader('Services', h('p', { class: 'muted' },
      'Remote services running on this machine (worker JVMs deployed with Remote.fn or Remote.cls), and their replicas.')),
    box);
  const stop = poll(async () => {
    const r = await readInto(box, '/v1/services', 'the services');
    if (r.services.length === 0) {
      fill(box, h('div', { class: 'card empty-state' }, h('p', {}, 'No remote services are running on this machine.'),
        h('p', { class: 'muted small' }, 'A function called with Remote.fn(...) or a class deployed with Remote.cls(...) '
          + 'starts worker JVMs that show here, as they do in weft services.')));
      return;
    }
    fill(box, h('div', { class: 'card flush' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Serves'),
        h('th', { scope: 'col', class: 'num' }, 'Replicas'), h('th', { scope: 'col' }, 'Workers (pid @ address)'))),
      h('tbody', {}, r.services.map((s) => h('tr', { class: 'service-row', dataset: { name: s.name } },
        h('td', { class: 'mono' }, s.name), h('td', {}, s.target), h('td', { class: 'num' }, String(s.replicas.length)),
        h('td', {}, h('ul', { class: 'plain' }, s.replicas.map((p) =>
          h('li', { class: 'mono small' }, `#${p.replica}  ${p.pid} @ ${p.uri}`))))))))));
  }, 5000);
  return { element, title: 'Services', stop };
}

// ---------------------------------------------------------------- nodes

export function nodesPage() {
  const box = h('div', { id: 'nodes' });
  const element = h('section', { class: 'page' },
    pageHeader('Nodes', h('p', { class: 'muted' }, 'The servers of a fleet sharing one PostgreSQL journal.')), box);
  const stop = poll(async () => {
    const r = await readInto(box, '/v1/nodes', 'the nodes');
    if (!r.fleet) {
      fill(box, h('div', { class: 'card empty-state', id: 'not-a-fleet' }, h('p', {}, h('strong', {}, 'Not a fleet.'),
        ' This server runs on its own journal (SQLite or in memory), so it is the only node.'),
        h('p', { class: 'muted small' }, 'Servers started with --db postgresql://… share one journal and form a fleet; '
          + 'their nodes, heartbeats and leases show here.')));
      return;
    }
    fill(box, r.nodes.length === 0 ? h('p', { class: 'muted' }, 'No nodes registered yet.') : h('div', { class: 'card flush' },
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Node', 'Address', 'Capacity', 'Heartbeat', 'Alive', 'Leases', 'Started'].map((t) =>
          h('th', { scope: 'col' }, t)))),
        h('tbody', {}, r.nodes.map((n) => h('tr', { class: 'node-row', dataset: { id: n.id } },
          h('td', { class: 'mono' }, n.id), h('td', { class: 'mono' }, n.address), h('td', { class: 'num' }, String(n.capacity)),
          h('td', {}, duration(n.heartbeat_age_ms) + ' ago'),
          h('td', {}, n.stopped_at ? badge('STOPPED') : n.alive ? badge('ALIVE') : badge('DEAD')),
          h('td', { class: 'num' }, String(n.leases_held)), h('td', {}, when(n.started_at))))))));
  }, 2000);
  return { element, title: 'Nodes', stop };
}
