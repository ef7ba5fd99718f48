// Calls to the daemon's JSON API with the session cookie. Every call that changes something
// sends the session's CSRF token; a 401 anywhere ends the session in the page (back to sign-in).
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

const state = {
  csrf: '',
  lastRequestAt: Date.now(),
  onUnauthorized: () => {},
};

export function setCsrf(token) {
  state.csrf = token || '';
}

export function onUnauthorized(handler) {
  state.onUnauthorized = handler;
}

// When the page last spoke to the daemon (for the session's idle time).
export function lastRequestAt() {
  return state.lastRequestAt;
}

// The message of an error answer ({"error": {"status", "message"}}), or the status line.
async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch {
    // Not JSON: the status text says what there is to say.
  }
  return response.statusText || String(response.status);
}

// `raw` is a body sent as it is (a File, a FormData), with `contentType` when one is given (a
// FormData sets its own, with the boundary); `body` is sent as JSON.
async function send(path, { method = 'GET', body, raw, contentType, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  else if (raw !== undefined && contentType) headers['Content-Type'] = contentType;
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  state.lastRequestAt = Date.now();
  return response;
}

// One call; the answer's JSON (null for 204). An answer of 400 or more throws an ApiError
// with the daemon's message. `session` calls (sign-in itself) leave a 401 to the caller.
export async function api(path, options = {}) {
  const response = await send(path, options);
  if (response.status === 401 && !options.session) {
    state.onUnauthorized();
    throw new ApiError(401, t('signin.expired'));
  }
  if (!response.ok) {
    const retry = response.headers.get('Retry-After');
    throw new ApiError(response.status, await errorMessage(response), retry);
  }
  if (response.status === 204) return null;
  return response.json();
}

// An error as a sentence for the page.
export function describe(error) {
  if (!(error instanceof ApiError)) return String(error && error.message ? error.message : error);
  if (error.status === 0) return error.message;
  if (error.status === 403 && !error.message) return t('error.forbidden');
  return t('error.status', { status: error.status, message: error.message });
}

// A document from the API (a workbook, a PDF) saved by the browser under the name the daemon
// gives (Content-Disposition) or `fallback`. Errors come back as ApiError, as for api().
export async function download(path, fallback) {
  const response = await send(path, { accept: '*/*' });
  if (response.status === 401) {
    state.onUnauthorized();
    throw new ApiError(401, t('signin.expired'));
  }
  if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('Content-Disposition')) || fallback;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

function fileNameOf(disposition) {
  if (!disposition) return '';
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : '';
}

// "?a=1&b=2" of the non-empty values.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
