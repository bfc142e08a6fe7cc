// Small DOM and formatting helpers. Text always goes in as text (never as HTML).

/** h('a', {href: '#/x', class: 'y'}, 'text', child...) builds an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces el's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const STATES = {
  RUNNING: 'running', RETRYING: 'retrying', SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled',
  UNSERIALIZABLE: 'failed', ALIVE: 'succeeded', DEAD: 'failed', STOPPED: 'cancelled',
};

/** A coloured badge for a request's or call's state. */
export function badge(state) {
  return h('span', { class: 'badge ' + (STATES[state] || 'other'), dataset: { state } }, state.toLowerCase());
}

/** A progress bar (role progressbar) with its text beside it. */
export function progressBar(p, { compact = false } = {}) {
  if (!p) {
    return h('span', { class: 'muted' }, '—');
  }
  const pct = p.total > 0 ? Math.min(100, Math.round((100 * p.current) / p.total)) : 0;
  const bar = h('span', { class: 'bar-fill' });
  bar.style.width = pct + '%';
  return h('span', { class: 'progress' + (compact ? ' compact' : '') },
    h('span', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': p.total,
      'aria-valuenow': p.current, 'aria-label': 'progress' }, bar),
    h('span', { class: 'progress-text' }, `${p.current}/${p.total}`, compact || !p.message ? '' : ' · ' + p.message));
}

/** "2.4 s", "310 ms", "3 min 2 s". */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '—';
  }
  if (ms < 1000) {
    return Math.max(0, Math.round(ms)) + ' ms';
  }
  if (ms < 60000) {
    return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }
  const m = Math.floor(ms / 60000);
  if (m < 60) {
    return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
  }
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Milliseconds between two ISO instants; the second defaults to now. */
export function between(start, end) {
  if (!start) {
    return null;
  }
  return (end ? Date.parse(end) : Date.now()) - Date.parse(start);
}

/** A <time> with a short local time and the full instant as its title. */
export function when(iso) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  const text = today ? d.toLocaleTimeString() : d.toLocaleString();
  return h('time', { datetime: iso, title: iso }, text);
}

/** Pretty JSON in a <pre>. */
export function jsonBlock(value, attrs = {}) {
  return h('pre', { class: 'json', ...attrs }, JSON.stringify(value, null, 2));
}

/** An error box with its message. */
export function errorBox(title, message, attrs = {}) {
  return h('div', { class: 'alert error', role: 'alert', ...attrs }, h('strong', {}, title), h('div', { class: 'msg' }, message));
}

export function shortId(id) {
  return id.length > 13 ? id.slice(0, 8) + '…' : id;
}
