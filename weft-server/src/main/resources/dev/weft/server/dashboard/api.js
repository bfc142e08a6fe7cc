// The dashboard's only way to the server: the /v1 routes, with the bearer token when there is one.
// EventSource cannot send headers, so event streams are read with fetch and parsed here.

const TOKEN_KEY = 'weft.token';

/** A failed call of the API: the HTTP status and the server's {code, message}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let askToken = async () => { throw new ApiError(401, 'unauthorized', 'this server requires a token'); };

/** Sets what is called (and awaited) when the server answers 401: it should store a new token. */
export function onUnauthorized(ask) {
  askToken = ask;
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value.trim());
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  const t = token();
  if (t) {
    h.Authorization = 'Bearer ' + t;
  }
  return h;
}

async function errorOf(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    return new ApiError(res.status, body.code || 'http_' + res.status, body.message || text);
  } catch {
    return new ApiError(res.status, 'http_' + res.status, text || res.statusText);
  }
}

/**
 * Calls the API and returns the parsed JSON body. On 401 asks for a token (once) and tries again.
 * Throws ApiError with the server's message otherwise.
 */
export async function api(path, { method = 'GET', body, headers: extra = {}, signal } = {}, retried = false) {
  const h = body === undefined ? { ...extra } : { 'Content-Type': 'application/json', ...extra };
  const res = await fetch(path, { method, headers: headers(h), body, signal });
  if (res.status === 401 && !retried) {
    await askToken((await errorOf(res)).message);
    return api(path, { method, body, headers: extra, signal }, true);
  }
  if (!res.ok) {
    throw await errorOf(res);
  }
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/**
 * Follows a server-sent event stream with fetch (so the token goes along): calls onEvent(name, data)
 * for each event, data parsed as JSON. Resolves when the stream ends; abort it with signal.
 */
export async function events(path, onEvent, { signal } = {}, retried = false) {
  const res = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (res.status === 401 && !retried) {
    await askToken((await errorOf(res)).message);
    return events(path, onEvent, { signal }, true);
  }
  if (!res.ok) {
    throw await errorOf(res);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          continue; // a keep-alive comment
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') {
          name = text;
        } else if (field === 'data') {
          data.push(text);
        }
      }
      if (data.length > 0) {
        onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }
}

/** Percent-encodes one path segment (a request id, an application name). */
export function seg(s) {
  return encodeURIComponent(s);
}
