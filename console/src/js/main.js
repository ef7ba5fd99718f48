// The console: sign-in, the shell (who is signed in, sign-out, the pages) and a hash router.
// Pages live in pages/*.js; each renders into the page's <main> from the daemon's API.
import { api, ApiError, describe, lastRequestAt, onUnauthorized, setCsrf } from './api.js';
import { disposeCharts } from './charts.js';
import { clear, field, h, message, statusArea, say } from './dom.js';
import { applyLang, lang, setLang, t } from './i18n.js';
import * as cache from './cache.js';
import * as overview from './pages/overview.js';
import * as units from './pages/units.js';
import * as unit from './pages/unit.js';
import * as findings from './pages/findings.js';
import * as finding from './pages/finding.js';
import * as vacancies from './pages/vacancies.js';
import * as reductions from './pages/reductions.js';
import * as cases from './pages/cases.js';
import * as caseDetail from './pages/case.js';
import * as reports from './pages/reports.js';
import * as connectors from './pages/connectors.js';
import * as audit from './pages/audit.js';

const HINT_KEY = 'staffchain.signedIn';

// The pages of the nav, in order, and every route (a path pattern and its page).
const NAV = ['overview', 'units', 'findings', 'vacancies', 'reductions', 'cases', 'reports', 'audit', 'connectors'];
const ROUTES = [
  { pattern: /^overview$/, nav: 'overview', page: overview },
  { pattern: /^units$/, nav: 'units', page: units },
  { pattern: /^units\/([0-9A-Za-z]+)$/, nav: 'units', page: unit },
  { pattern: /^findings$/, nav: 'findings', page: findings },
  { pattern: /^findings\/([0-9A-Za-z_.:-]+)$/, nav: 'findings', page: finding },
  { pattern: /^vacancies$/, nav: 'vacancies', page: vacancies },
  { pattern: /^reductions$/, nav: 'reductions', page: reductions },
  { pattern: /^cases$/, nav: 'cases', page: cases },
  { pattern: /^cases\/(\d+)$/, nav: 'cases', page: caseDetail },
  { pattern: /^reports$/, nav: 'reports', page: reports },
  { pattern: /^audit$/, nav: 'audit', page: audit },
  { pattern: /^connectors$/, nav: 'connectors', page: connectors },
];

// The signed-in session ({name, access, csrf, idle_seconds}) or null.
let session = null;
let renderCount = 0;
let pageCleanups = [];
let probing = false;

const root = () => document.getElementById('app');

function hint(on) {
  try {
    if (on) window.localStorage.setItem(HINT_KEY, '1');
    else window.localStorage.removeItem(HINT_KEY);
  } catch {
    // no storage: the page asks the daemon each time
  }
}

function hinted() {
  try {
    return window.localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true;
  }
}

function langButton() {
  return h(
    'button',
    {
      type: 'button',
      class: 'link-button lang-switch',
      lang: lang() === 'en' ? 'zh-CN' : 'en',
      'aria-label': t('lang.switch.label'),
      onclick: () => {
        setLang(lang() === 'en' ? 'zh' : 'en');
        if (session) renderShell();
        else renderSignIn(null);
      },
    },
    t('lang.switch'),
  );
}

function skipLink() {
  return h(
    'a',
    {
      class: 'skip-link',
      href: '#main',
      onclick: (event) => {
        event.preventDefault();
        const main = document.getElementById('main');
        if (main) main.focus();
      },
    },
    t('skip'),
  );
}

function brand() {
  return h('div', { class: 'brand' }, h('span', { class: 'brand-name' }, 'staffchain'), h('span', { class: 'brand-sub' }, t('app.short')));
}

// ---- signing in and out -------------------------------------------------------------------

function startSession(info) {
  session = info;
  setCsrf(info.csrf);
  hint(true);
  cache.reset();
}

function endSession() {
  session = null;
  setCsrf('');
  hint(false);
  cache.reset();
  runCleanups();
  disposeCharts();
}

function renderSignIn(notice) {
  renderCount += 1;
  const app = clear(root());
  const tokenInput = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const status = statusArea();
  if (notice) say(status, notice.kind, notice.text);
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h(
    'form',
    {
      class: 'signin-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const token = tokenInput.value.trim();
        if (!token) {
          say(status, 'error', t('signin.empty'));
          tokenInput.focus();
          return;
        }
        submit.disabled = true;
        say(status, 'info', t('signin.busy'));
        try {
          const info = await api('/api/v1/session', { method: 'POST', body: { token }, session: true });
          startSession(info);
          renderShell();
        } catch (error) {
          submit.disabled = false;
          if (error instanceof ApiError && error.status === 401) {
            say(status, 'error', t('signin.wrong', { message: error.message }));
          } else if (error instanceof ApiError && error.status === 429) {
            say(status, 'error', t('signin.limited', { seconds: error.retryAfter || 60 }));
          } else {
            say(status, 'error', describe(error));
          }
          tokenInput.select();
          tokenInput.focus();
        }
      },
    },
    h('p', { class: 'intro' }, t('signin.intro')),
    field(t('signin.token'), tokenInput),
    submit,
    status,
  );
  app.append(
    skipLink(),
    h('header', { class: 'topbar' }, brand(), h('div', { class: 'topbar-end' }, langButton())),
    h(
      'main',
      { id: 'main', tabindex: '-1', class: 'signin' },
      h('div', { class: 'signin-card' }, h('h1', {}, t('signin.title')), form),
    ),
  );
  document.title = `${t('signin.title')} · ${t('app.title')}`;
  tokenInput.focus();
}

async function signOut() {
  try {
    await api('/api/v1/session', { method: 'DELETE' });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // already shown as expired
  }
  endSession();
  renderSignIn({ kind: 'info', text: t('signin.signedOut') });
}

// A 401 from any call: the session is gone, the sign-in form comes back with why.
onUnauthorized(() => {
  if (!session) return;
  endSession();
  renderSignIn({ kind: 'error', text: t('signin.expired') });
});

// Asks the daemon whether the session still holds (it ends after [console] session_idle
// without requests): after the idle time the page checks, so that an expired session shows
// the sign-in form without waiting for the clerk's next click.
async function probe() {
  if (!session || probing) return;
  probing = true;
  try {
    const info = await api('/api/v1/session', { session: true });
    if (session) {
      session = { ...session, ...info };
      setCsrf(session.csrf);
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && session) {
      endSession();
      renderSignIn({ kind: 'error', text: t('signin.expired') });
    }
  } finally {
    probing = false;
  }
}

function idleMillis() {
  return Math.max(1, Number(session && session.idle_seconds) || 900) * 1000;
}

setInterval(() => {
  if (session && Date.now() - lastRequestAt() > idleMillis() + 1500) probe();
}, 1000);

// A clerk at work (typing, clicking) keeps the session: past half the idle time, any activity
// is a reason to tell the daemon.
for (const kind of ['keydown', 'pointerdown']) {
  document.addEventListener(
    kind,
    () => {
      if (session && Date.now() - lastRequestAt() > idleMillis() / 2) probe();
    },
    { passive: true },
  );
}

// ---- the shell and the router ------------------------------------------------------------

function renderShell() {
  const app = clear(root());
  const access = session.access === 'write' ? 'write' : 'read';
  app.append(
    skipLink(),
    h(
      'header',
      { class: 'topbar' },
      brand(),
      h(
        'div',
        { class: 'topbar-end' },
        h(
          'p',
          { class: 'who' },
          `${t('shell.signedInAs')}：`,
          h('strong', { class: 'who-name' }, session.name),
          ' ',
          h('span', { class: `badge badge-access-${access}`, dataset: { access } }, t(`shell.access.${access}`)),
        ),
        langButton(),
        h('button', { type: 'button', class: 'link-button sign-out', onclick: signOut }, t('shell.signOut')),
      ),
    ),
    h(
      'nav',
      { class: 'mainnav', 'aria-label': t('shell.nav') },
      h('ul', {}, NAV.map((name) => h('li', {}, h('a', { href: `#/${name}`, dataset: { nav: name } }, t(`nav.${name}`))))),
    ),
    h('main', { id: 'main', tabindex: '-1' }, h('div', { id: 'page' })),
  );
  route(false);
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '');
  if (!raw.startsWith('/')) return null;
  const [path, search = ''] = raw.slice(1).split('?');
  return { path: decodeURIComponent(path), query: new URLSearchParams(search) };
}

function runCleanups() {
  for (const cleanup of pageCleanups) {
    try {
      cleanup();
    } catch {
      // a page's cleanup never stops the next page
    }
  }
  pageCleanups = [];
}

async function route(moveFocus) {
  if (!session) return;
  const parsed = parseHash();
  if (!parsed) {
    // "#main" (the skip link without script) and the like: no page change.
    if (!document.getElementById('page').firstChild) window.location.replace('#/overview');
    return;
  }
  let matched = null;
  let params = [];
  for (const candidate of ROUTES) {
    const found = candidate.pattern.exec(parsed.path);
    if (found) {
      matched = candidate;
      params = found.slice(1);
      break;
    }
  }
  if (!matched) {
    window.location.replace('#/overview');
    return;
  }
  runCleanups();
  disposeCharts();
  renderCount += 1;
  const mine = renderCount;
  for (const link of document.querySelectorAll('.mainnav a')) {
    if (link.dataset.nav === matched.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = clear(document.getElementById('page'));
  const shownHash = window.location.hash;
  page.setAttribute('aria-busy', 'true');
  delete page.dataset.shown;
  page.appendChild(h('p', { class: 'loading' }, t('loading')));
  const context = {
    page,
    params,
    query: parsed.query,
    session,
    canWrite: session.access === 'write',
    alive: () => mine === renderCount && session !== null,
    onLeave: (cleanup) => pageCleanups.push(cleanup),
    // Replaces the page's content (when the route is still the one shown).
    show: (title, ...children) => {
      if (mine !== renderCount) return;
      clear(page);
      page.removeAttribute('aria-busy');
      page.append(h('h1', { tabindex: '-1', id: 'page-title' }, title), ...children.filter((child) => child !== null && child !== undefined && child !== false));
      // Which route this content is of (a test waits for it; so could a screen reader's script).
      page.dataset.shown = shownHash;
      document.title = `${title} · ${t('app.title')}`;
      if (moveFocus) document.getElementById('page-title').focus();
    },
    // Another query on the same page (filters, paging): a new history entry.
    setQuery: (values) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(values)) {
        if (value !== undefined && value !== null && value !== '') search.set(key, value);
      }
      const text = search.toString();
      window.location.hash = `#/${parsed.path}${text ? `?${text}` : ''}`;
    },
    rerender: () => route(false),
  };
  try {
    await matched.page.render(context);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // the sign-in form is shown
    if (mine !== renderCount) return;
    context.show(t(`nav.${matched.nav}`), message('error', describe(error)));
  }
}

window.addEventListener('hashchange', () => route(true));

async function start() {
  applyLang();
  if (!hinted()) {
    renderSignIn(null);
    return;
  }
  try {
    const info = await api('/api/v1/session', { session: true });
    startSession(info);
    renderShell();
  } catch (error) {
    hint(false);
    if (error instanceof ApiError && error.status === 401) renderSignIn({ kind: 'error', text: t('signin.expired') });
    else renderSignIn({ kind: 'error', text: describe(error) });
  }
}

start();
