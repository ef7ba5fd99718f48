// console.browser: the web console in Debian's chromium, against a daemon this test starts on a
// generated world of 3,000 people (as scripts/demo.sh feeds one: csv connectors reading drop
// folders, a file notifier). It signs in with a read-write and a read-only token, opens every
// page, and checks that each renders without a console error or a failed request, passes axe's
// serious and critical rules, and is photographed at 1440x900; that an acknowledgement made on a
// finding's page is what `staffchainctl alerts` shows; that a read-only session has no write
// controls and is refused a write; and that an idle session ends in the sign-in form. A unit's
// page is reached from the search (part of a name) and from a finding; the audit page, given the
// world's own exports (a .zip, and the files one by one from a read-only session), shows the
// findings `staffchainctl audit` finds in that folder. The first render of the overview is
// measured and printed ("first render of the overview: N ms"), never asserted.
//
// Every wait is for a condition (the daemon ready, findings there, a page rendered), never a
// fixed sleep standing in for one: the machine may be busy.
//
// Environment (set by tests/console/CMakeLists.txt): STAFFCHAIN_BIN_DIR (staffchaind,
// staffchainctl, plugins/), STAFFCHAIN_UI_DIR (the staged console), STAFFCHAIN_CONSOLE_NODE_MODULES
// (playwright-core, axe-core), STAFFCHAIN_CHROMIUM, STAFFCHAIN_SCREENSHOT_DIR, STAFFCHAIN_TEST_TMP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run this test through ctest (ctest -R console)`);
  return value;
}

const binDir = required('STAFFCHAIN_BIN_DIR');
const uiDir = required('STAFFCHAIN_UI_DIR');
const nodeModules = required('STAFFCHAIN_CONSOLE_NODE_MODULES');
const chromiumPath = process.env.STAFFCHAIN_CHROMIUM || '/usr/bin/chromium';
const shotDir = process.env.STAFFCHAIN_SCREENSHOT_DIR || path.join(os.tmpdir(), 'console-screenshots');
const tmpParent = process.env.STAFFCHAIN_TEST_TMP || os.tmpdir();

for (const [what, file] of [
  ['the browser (apt-get install chromium, or scripts/install-deps.sh --test)', chromiumPath],
  ['the staged console (build the staffchain_console target)', path.join(uiDir, 'index.html')],
  ['ECharts in the staged console', path.join(uiDir, 'vendor', 'echarts.min.js')],
  ['playwright-core (scripts/install-deps.sh)', path.join(nodeModules, 'playwright-core', 'index.mjs')],
  ['axe-core (scripts/install-deps.sh)', path.join(nodeModules, 'axe-core', 'axe.min.js')],
  ['staffchaind', path.join(binDir, 'staffchaind')],
  ['staffchainctl', path.join(binDir, 'staffchainctl')],
]) {
  if (!fs.existsSync(file)) throw new Error(`missing ${what}: ${file}`);
}

const { chromium } = await import(pathToFileURL(path.join(nodeModules, 'playwright-core', 'index.mjs')).href);
const axeSource = fs.readFileSync(path.join(nodeModules, 'axe-core', 'axe.min.js'), 'utf8');

const ZONE = 'Asia/Shanghai';
const IDLE_SECONDS = 15;
const WAIT = 90_000; // for anything the daemon or the browser must do, on a loaded machine

// Today in the daemon's zone, as the generated world and the daemon both take it.
const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

const world = {
  dir: '',
  dataset: '',
  persons: 3000,
  port: 0,
  base: '',
  tokens: { write: crypto.randomBytes(20).toString('hex'), read: crypto.randomBytes(20).toString('hex') },
  daemon: null,
  daemonExit: null,
  log: '',
};
let browser = null;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function tomlString(text) {
  return JSON.stringify(text); // a TOML basic string is a JSON string for these paths
}

function writeConfig() {
  const connectors = [
    ['estab_roster', 'estab'],
    ['org_cadres', 'org'],
    ['hr_movements', 'hr'],
    ['finance_payroll', 'finance'],
  ];
  const lines = [
    '[daemon]',
    'state_dir = "state"',
    `plugin_dir = ${tomlString(path.join(binDir, 'plugins'))}`,
    'log_level = "info"',
    'log_target = "stderr"',
    'evaluate_interval = "1m"',
    `timezone = "${ZONE}"`,
    '',
  ];
  for (const [name, role] of connectors) {
    lines.push(`[connectors.${name}]`, 'plugin = "csv"', `role = "${role}"`, `folder = "inbox/${role}"`, 'interval = "5m"', 'max_staleness = "35d"', '');
  }
  lines.push(
    '[notifiers.office]',
    'plugin = "file"',
    'path = "alerts/office.jsonl"',
    '',
    '[route]',
    'receivers = ["office"]',
    'group_by = ["rule", "region"]',
    '',
    '[api]',
    `listen = "127.0.0.1:${world.port}"`,
    '[[api.tokens]]',
    'name = "王科员"',
    'token = "${STAFFCHAIN_CONSOLE_TEST_WRITE}"',
    'access = "read-write"',
    '[[api.tokens]]',
    'name = "查阅员"',
    'token = "${STAFFCHAIN_CONSOLE_TEST_READ}"',
    'access = "read"',
    '',
    '[cases]',
    'doc_no_pattern = "呼编督〔{year}〕{n}号"',
    'rectify_within_days = 30',
    'issuing_office = "呼伦贝尔市委机构编制委员会办公室"',
    '',
    '[console]',
    `files = ${tomlString(uiDir)}`,
    `session_idle = "${IDLE_SECONDS}s"`,
    '',
  );
  const file = path.join(world.dir, 'staffchain.toml');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

// Each department's export dropped into its folder, as scripts/demo.sh does.
function dropExports(dataset) {
  const drops = {
    estab: ['units.csv', 'quotas.csv', 'leader_quotas.csv', 'approvals.csv', 'roster.csv', 'reductions.csv'],
    hr: ['movements.csv', 'deaths.csv'],
    finance: ['payroll.csv'],
    org: [],
  };
  for (const [role, files] of Object.entries(drops)) {
    const inbox = path.join(world.dir, 'inbox', role);
    fs.mkdirSync(inbox, { recursive: true });
    for (const file of files) {
      const from = path.join(dataset, file);
      if (!fs.existsSync(from)) continue;
      fs.copyFileSync(from, path.join(inbox, `.${file}.part`));
      fs.renameSync(path.join(inbox, `.${file}.part`), path.join(inbox, file));
    }
  }
}

async function get(pathname, token = world.tokens.write) {
  const response = await fetch(world.base + pathname, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

// Polls `check` (an async function returning a value, or nothing yet) until it gives one.
async function until(what, check, timeout = WAIT, every = 500) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    if (world.daemonExit) throw new Error(`the daemon exited (${world.daemonExit}) while waiting for ${what}:\n${tail(world.log)}`);
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}\n${tail(world.log)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function stopDaemon() {
  const child = world.daemon;
  if (!child || world.daemonExit) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      clearTimeout(killer);
      resolve();
    }
  });
}

// Whatever happens, the daemon this test started does not outlive it.
process.on('exit', () => {
  if (world.daemon && !world.daemonExit) {
    try {
      process.kill(world.daemon.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

before(async () => {
  fs.mkdirSync(tmpParent, { recursive: true });
  world.dir = fs.mkdtempSync(path.join(tmpParent, 'console-world-'));
  fs.rmSync(shotDir, { recursive: true, force: true });
  fs.mkdirSync(shotDir, { recursive: true });
  const dataset = path.join(world.dir, 'dataset');
  world.dataset = dataset;
  await run(path.join(binDir, 'staffchainctl'), ['gen', '--persons', String(world.persons), '--seed', '2017', '--out', dataset, '--as-of', today], {
    maxBuffer: 16 * 1024 * 1024,
  });
  dropExports(dataset);
  world.port = await freePort();
  world.base = `http://127.0.0.1:${world.port}`;
  const config = writeConfig();
  world.log = path.join(world.dir, 'staffchaind.log');
  const log = fs.openSync(world.log, 'a');
  world.daemon = spawn(path.join(binDir, 'staffchaind'), ['--config', config], {
    cwd: world.dir,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      STAFFCHAIN_CONSOLE_TEST_WRITE: world.tokens.write,
      STAFFCHAIN_CONSOLE_TEST_READ: world.tokens.read,
    },
  });
  world.daemon.on('exit', (code, signal) => {
    world.daemonExit = signal || `exit code ${code}`;
  });
  await until('the daemon to be ready (/readyz)', async () => (await fetch(`${world.base}/readyz`)).status === 200);
  await until('findings', async () => (await get('/api/v1/findings')).body.count > 0);
  await until('firing alerts naming a unit', async () => {
    const { body } = await get('/api/v1/alerts?state=firing');
    return body.alerts.filter((alert) => alert.unit_id).length > 1;
  });
  await until('the overview', async () => (await get('/api/v1/overview')).status === 200);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    // launch() runs the browser on a fresh temporary profile (user-data-dir) of its own.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The browser's own language, as a clerk's: date fields read 年/月/日.
      '--lang=zh-CN',
    ],
    timeout: WAIT,
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  await stopDaemon();
  // STAFFCHAIN_KEEP_WORLD=1 keeps the dataset, the configuration and the daemon's log to look at.
  if (process.env.STAFFCHAIN_KEEP_WORLD) console.log(`the test's world is kept in ${world.dir}`);
  else fs.rmSync(world.dir, { recursive: true, force: true });
});

// ---- watching a page --------------------------------------------------------------------

// Every console error, page error, failed request and HTTP error answer of a page, except those
// the test provokes on purpose (inside expectErrors()).
function watch(page) {
  const watcher = { problems: [], allowed: null, provoked: [] };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const status = /status of (\d{3})/.exec(text);
    if (status && watcher.provoked.some((entry) => entry.status === Number(status[1]))) return;
    watcher.problems.push(`console error: ${text} (${msg.location().url || 'no url'})`);
  });
  page.on('pageerror', (error) => watcher.problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.url().startsWith('blob:')) return; // a download handed to the browser
    watcher.problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const entry = { status: response.status(), method: response.request().method(), url: response.url() };
    if (watcher.allowed && watcher.allowed(entry)) {
      watcher.provoked.push(entry);
      return;
    }
    watcher.problems.push(`HTTP ${entry.status}: ${entry.method} ${entry.url}`);
  });
  return watcher;
}

// Runs `action` while answers matching `allowed` ({status, method, url}) are expected.
async function expectErrors(watcher, allowed, action) {
  watcher.allowed = allowed;
  try {
    return await action();
  } finally {
    watcher.allowed = null;
  }
}

function assertClean(watcher, where) {
  const problems = watcher.problems.splice(0);
  assert.deepEqual(problems, [], `${where}: ${problems.join('\n')}`);
}

async function rendered(page) {
  await page.waitForFunction(
    () => {
      const holder = document.getElementById('page');
      return (
        holder && !holder.hasAttribute('aria-busy') && holder.dataset.shown === window.location.hash && holder.querySelector('h1')
      );
    },
    null,
    { timeout: WAIT },
  );
}

async function visit(page, hash) {
  await page.evaluate((target) => {
    window.location.hash = target;
  }, hash);
  await rendered(page);
}

async function axe(page, where) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  // Evaluated in the page rather than added as a <script>: the console's CSP allows no inline script.
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${where}: axe found ${serious.map((v) => `${v.id} (${v.impact}: ${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`);
}

async function photograph(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
}

// A page checked the same way each time: rendered, clean, accessible, photographed.
async function checkPage(page, watcher, name) {
  if (!(await page.$('form.signin-form'))) await rendered(page);
  await axe(page, name);
  await photograph(page, name);
  assertClean(watcher, name);
}

async function newSession(token) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: ZONE, acceptDownloads: true });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const watcher = watch(page);
  await page.goto(`${world.base}/`);
  await page.waitForSelector('form.signin-form');
  await page.fill('input[name="token"]', token);
  await page.click('form.signin-form button[type="submit"]');
  await page.waitForSelector('nav.mainnav');
  await rendered(page);
  return { context, page, watcher };
}

async function ctl(...args) {
  const { stdout } = await run(path.join(binDir, 'staffchainctl'), args, {
    env: { ...process.env, STAFFCHAIN_API: world.base, STAFFCHAIN_API_TOKEN: world.tokens.write },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

// The canonical export files of the generated world (what an inspection team would upload).
const EXPORTS = ['units.csv', 'quotas.csv', 'leader_quotas.csv', 'approvals.csv', 'roster.csv', 'reductions.csv', 'movements.csv', 'deaths.csv', 'payroll.csv'];

function exportFiles() {
  return EXPORTS.map((file) => path.join(world.dataset, file)).filter((file) => fs.existsSync(file));
}

// The world's exports as one .zip (Python's zipfile: no npm package for it).
async function zipExports() {
  const zip = path.join(world.dir, 'exports.zip');
  const script = [
    'import os, sys, zipfile',
    "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:",
    '    for name in sys.argv[2:]:',
    '        z.write(name, os.path.basename(name))',
  ].join('\n');
  await run('python3', ['-c', script, zip, ...exportFiles()]);
  return zip;
}

// The fingerprints `staffchainctl audit` finds in the world's folder on `day`.
async function ctlAuditFingerprints(day) {
  let stdout;
  try {
    ({ stdout } = await run(path.join(binDir, 'staffchainctl'), ['audit', world.dataset, '--as-of', day, '--format', 'jsonl'], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    // A non-zero exit may only say that there are findings; the lines are what counts.
    if (!error.stdout) throw error;
    stdout = error.stdout;
  }
  return new Set(
    stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line).fingerprint),
  );
}

// Uploads `files` on the audit page (as of `day`) and reads every finding it shows, page by page.
async function auditInPage(page, files, day) {
  await page.setInputFiles('input[name="files"]', files);
  await page.fill('input[name="as_of"]', day);
  await page.click('form.audit-form button[type="submit"]');
  await page.waitForSelector('.audit-form .status-area .message');
  await page.waitForSelector('.audit-result, .audit-form .message-error', { timeout: WAIT });
  const error = await page.$('.audit-form .message-error');
  assert.equal(error ? await error.textContent() : null, null, 'the audit was refused');
  const seen = new Set();
  for (let pages = 0; pages < 1000; pages += 1) {
    for (const fingerprint of await page.$$eval('.audit-findings [data-fingerprint]', (cells) => cells.map((cell) => cell.dataset.fingerprint))) {
      seen.add(fingerprint);
    }
    const next = await page.$('.audit-findings .pager button:last-child:not([disabled])');
    if (!next) break;
    const first = await page.$eval('.audit-findings [data-fingerprint]', (cell) => cell.dataset.fingerprint);
    await next.click();
    await page.waitForFunction((was) => document.querySelector('.audit-findings [data-fingerprint]')?.dataset.fingerprint !== was, first);
  }
  return seen;
}

function assertSameSet(shown, expected, where) {
  const missing = [...expected].filter((fingerprint) => !shown.has(fingerprint));
  const extra = [...shown].filter((fingerprint) => !expected.has(fingerprint));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${where}: ${shown.size} shown, ${expected.size} from staffchainctl audit`);
}

// A part of a unit's name that few units share (as a clerk would type it), from units.csv.
function partOfName(name) {
  const names = fs
    .readFileSync(path.join(world.dataset, 'units.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[1] || '');
  const chars = [...name];
  for (let length = 2; length < chars.length; length += 1) {
    const part = chars.slice(-length).join('');
    if (names.filter((other) => other.includes(part)).length <= 5) return part;
  }
  return chars.slice(1).join('');
}

// ---- the checks -------------------------------------------------------------------------

test('the web console', async (t) => {
  let clerk = null;
  const picked = {};

  await t.test('the sign-in form refuses a wrong token in words, then a read-write token signs in', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: ZONE });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    const watcher = watch(page);
    await page.goto(`${world.base}/`);
    assert.match(page.url(), /\/ui\/(#.*)?$/, 'GET / leads to /ui/');
    await page.waitForSelector('form.signin-form');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.ok(await page.isVisible('label[for] >> text=访问令牌'), 'the token field has its label');
    await checkPage(page, watcher, 'signin');
    await expectErrors(
      watcher,
      (entry) => entry.status === 401 && entry.url.endsWith('/api/v1/session'),
      async () => {
        await page.fill('input[name="token"]', 'not-the-token-0123456789');
        await page.click('form.signin-form button[type="submit"]');
        await page.waitForSelector('.message-error');
      },
    );
    assert.match(await page.textContent('.message-error'), /令牌不正确/);
    assertClean(watcher, 'wrong token');
    await page.fill('input[name="token"]', world.tokens.write);
    await page.click('form.signin-form button[type="submit"]');
    await page.waitForSelector('nav.mainnav');
    await rendered(page);
    assert.match(await page.textContent('.who'), /王科员/);
    assert.equal(await page.textContent('.topbar .badge'), '读写');
    clerk = { context, page, watcher };
  });

  await t.test('overview: figures, the three charts and the four links', async () => {
    const { page, watcher } = clerk;
    await visit(page, '#/overview');
    // Keyboard: after a load the first Tab reaches the skip link, which leads into the page.
    await page.reload();
    await rendered(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 3, null, { timeout: WAIT });
    assert.match(await page.textContent('h1'), /总览/);
    const rules = await page.$$eval('table tbody tr', (rows) => rows.length);
    assert.ok(rules > 0, 'the rule table has rows');
    for (const role of ['编办', '组织部', '人社局', '财政局']) {
      assert.ok((await page.textContent('#page')).includes(role), `the links table names ${role}`);
    }
    await checkPage(page, watcher, 'overview');
  });

  await t.test('first render of the overview (printed, never asserted)', async () => {
    // A new browser context with the clerk's session (its cookie and the page's signed-in
    // hint) and nothing cached: the console's files, ECharts and the overview's data are
    // fetched as on a clerk's first visit of the day.
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: ZONE,
      storageState: await clerk.context.storageState(),
    });
    context.setDefaultTimeout(WAIT);
    try {
      const page = await context.newPage();
      const watcher = watch(page);
      await page.goto(`${world.base}/ui/#/overview`);
      // performance.now() counts from the navigation's start; polled each animation frame, so
      // the figure is the first frame with the page shown and its three charts drawn.
      const drawn = await page.waitForFunction(
        () => {
          const holder = document.getElementById('page');
          const shown = holder && holder.dataset.shown === '#/overview' && !holder.hasAttribute('aria-busy');
          return shown && document.querySelectorAll('.chart canvas').length >= 3 ? performance.now() : false;
        },
        null,
        { timeout: WAIT, polling: 'raf' },
      );
      const ms = Math.round(await drawn.jsonValue());
      const timing = await page.evaluate(() => {
        const entry = performance.getEntriesByType('navigation')[0];
        return entry ? { domContentLoaded: Math.round(entry.domContentLoadedEventEnd), load: Math.round(entry.loadEventEnd) } : {};
      });
      console.log(
        `first render of the overview: ${ms} ms (navigation start to its three charts drawn, a cold browser cache, ` +
          `${world.persons} people; DOMContentLoaded at ${timing.domContentLoaded} ms, load at ${timing.load} ms)`,
      );
      assertClean(watcher, 'first render');
    } finally {
      await context.close();
    }
  });

  await t.test('findings: filtered by the daemon, paged', async () => {
    const { page, watcher } = clerk;
    await visit(page, '#/findings');
    const all = await page.textContent('.result-count');
    await page.selectOption('select[name="severity"]', 'critical');
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => window.location.hash.includes('severity=critical'));
    await rendered(page);
    const critical = await page.$$eval('tbody tr td:nth-child(2)', (cells) => cells.map((cell) => cell.textContent));
    assert.ok(critical.length > 0 && critical.every((text) => text === '严重'), `only critical findings: ${critical.slice(0, 5)}`);
    assert.notEqual(await page.textContent('.result-count'), all);
    await visit(page, '#/findings?state=firing');
    await checkPage(page, watcher, 'findings');
  });

  await t.test("a finding's page: evidence per source system, acknowledged with a comment, seen by staffchainctl alerts", async () => {
    const { page, watcher } = clerk;
    const { body } = await get('/api/v1/alerts?state=firing');
    const withUnit = body.alerts.filter((alert) => alert.unit_id);
    picked.ack = withUnit[0];
    picked.case = withUnit.find((alert) => alert.unit_id !== picked.ack.unit_id) || withUnit[1];
    await visit(page, `#/findings/${picked.ack.id}`);
    for (const role of ['编办', '组织部', '人社局', '财政局']) {
      assert.ok(await page.isVisible(`section.evidence-group h3 >> text=${role}`), `an evidence group for ${role}`);
    }
    assert.ok((await page.$$('section.evidence-group .evidence-item')).length > 0, 'some evidence is shown');
    await checkPage(page, watcher, 'finding');
    const comment = `已电话联系单位 ${crypto.randomBytes(3).toString('hex')}`;
    await page.fill('form[data-action="ack"] textarea[name="comment"]', comment);
    await page.click('form[data-action="ack"] button[type="submit"]');
    await page.waitForSelector('form[data-action="ack"] .message-ok');
    await page.waitForSelector(`.history td >> text=${comment}`);
    assertClean(watcher, 'acknowledgement');
    const listed = await ctl('alerts', '--state', 'acknowledged');
    const line = listed.split('\n').find((text) => text.startsWith(picked.ack.id));
    assert.ok(line, `staffchainctl alerts lists ${picked.ack.id}:\n${listed.slice(0, 2000)}`);
    assert.match(line, /acknowledged/);
    assert.ok(line.includes(comment), `the comment is the one typed in the page: ${line}`);
  });

  await t.test('a write without the CSRF token is refused (403)', async () => {
    const { page, watcher } = clerk;
    const status = await expectErrors(
      watcher,
      (entry) => entry.status === 403,
      () =>
        page.evaluate(async (id) => {
          const response = await fetch(`/api/v1/alerts/${id}/ack`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ comment: 'no csrf' }),
          });
          await response.text(); // read whole, so that no half-read answer is aborted later
          return response.status;
        }, picked.case.id),
    );
    assert.equal(status, 403);
    assertClean(watcher, 'csrf');
  });

  await t.test('a case opened from a finding, its page and its notice as PDF', async () => {
    const { page, watcher } = clerk;
    await visit(page, `#/findings/${picked.case.id}`);
    await page.fill('form[data-action="case"] textarea[name="comment"]', '控编减编专项检查');
    await page.click('form[data-action="case"] button[type="submit"]');
    await page.waitForSelector('form[data-action="case"] .message-ok');
    await page.click('form[data-action="case"] a[href^="#/cases/"]');
    await rendered(page);
    assert.match(await page.textContent('h1'), /整改案件/);
    assert.ok((await page.$$('tbody tr')).length > 0, 'the case lists its findings and history');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('a.download')]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    await checkPage(page, watcher, 'case');
    await visit(page, '#/cases');
    assert.ok((await page.$$('tbody tr a[href^="#/cases/"]')).length > 0, 'the case is listed');
    await checkPage(page, watcher, 'cases');
  });

  await t.test('vacancies, reductions and connectors', async () => {
    const { page, watcher } = clerk;
    await visit(page, '#/vacancies');
    assert.ok((await page.$$('tbody tr')).length > 1);
    await checkPage(page, watcher, 'vacancies');
    await visit(page, '#/reductions');
    await checkPage(page, watcher, 'reductions');
    await visit(page, '#/connectors');
    assert.equal((await page.$$('table tbody tr')).length, 4, 'four connectors');
    await checkPage(page, watcher, 'connectors');
  });

  await t.test('reports: the quarterly workbook downloads, the tenure audit shows in the page', async () => {
    const { page, watcher } = clerk;
    await visit(page, '#/reports');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: WAIT }),
      page.click('form[data-report="quarterly"] button[type="submit"]'),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    await page.waitForSelector('form[data-report="quarterly"] .message-ok');
    await page.fill('form[data-report="tenure"] input[name="unit"]', picked.ack.unit_id);
    await page.fill('form[data-report="tenure"] input[name="from"]', '2020-01-01');
    await page.fill('form[data-report="tenure"] input[name="to"]', today);
    await page.click('form[data-report="tenure"] button[type="submit"]');
    await page.waitForSelector('.tenure-result table');
    await checkPage(page, watcher, 'reports');
  });

  await t.test("units: found by part of a name, a unit's page with its establishment; reached from a finding too", async () => {
    const { page, watcher } = clerk;
    // A unit with findings, an establishment and a roster to show.
    const { body } = await get('/api/v1/alerts?state=firing');
    let chosen = null;
    for (const alert of body.alerts.filter((one) => one.unit_id)) {
      const profile = (await get(`/api/v1/units/${alert.unit_id}`)).body;
      if (profile.establishment.length > 0 && profile.findings.length > 0 && profile.roster.total > 0) {
        chosen = { alert, profile };
        break;
      }
    }
    assert.ok(chosen, 'a firing alert names a unit with an establishment');
    picked.unit = chosen;
    const { unit } = chosen.profile;
    const part = partOfName(unit.name);
    await visit(page, '#/units');
    assert.ok(await page.isVisible('label[for] >> text=单位名称或统一社会信用代码'), 'the search box has its label');
    await page.fill('input[name="q"]', part);
    await page.click('form.unit-search button[type="submit"]');
    await page.waitForFunction((q) => new URLSearchParams(window.location.hash.split('?')[1] || '').get('q') === q, part);
    await rendered(page);
    const row = await page.$(`tbody tr:has(a[href="#/units/${unit.unit_id}"])`);
    assert.ok(row, `searching "${part}" lists ${unit.name} (${unit.unit_id})`);
    const cells = await row.$$eval('th, td', (all) => all.map((cell) => cell.textContent));
    assert.deepEqual(cells.slice(0, 3), [unit.name, unit.unit_id, unit.region_name], 'name, credit code and region name');
    assert.match(cells[3], /[\u4e00-\u9fff]/, `the kind in Chinese: ${cells[3]}`);
    await checkPage(page, watcher, 'units');

    const checkUnitPage = async (where) => {
      await rendered(page);
      assert.equal((await page.textContent('h1')).trim(), unit.name, `${where}: the unit's name heads its page`);
      const estab = await page.$$eval('.estab-table tbody tr', (rows) => rows.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent)));
      assert.equal(estab.length, chosen.profile.establishment.length, `${where}: a row per establishment type`);
      for (const [index, cellsOfRow] of estab.entries()) {
        const expected = chosen.profile.establishment[index];
        assert.equal(cellsOfRow[1].replace(/,/g, ''), String(expected.approved), `${where}: approved of ${cellsOfRow[0]}`);
        assert.equal(cellsOfRow[2].replace(/,/g, ''), String(expected.occupied), `${where}: occupied of ${cellsOfRow[0]}`);
      }
      await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 1, null, { timeout: WAIT });
      const findingLinks = await page.$$eval('a[href^="#/findings/"]', (links) => links.map((link) => link.getAttribute('href')));
      assert.ok(findingLinks.includes(`#/findings/${chosen.alert.id}`), `${where}: the unit's finding links to its page`);
      assertClean(watcher, where);
    };
    await page.click(`tbody a[href="#/units/${unit.unit_id}"]`);
    await checkUnitPage('unit from the search');
    await checkPage(page, watcher, 'unit');

    await visit(page, `#/findings/${chosen.alert.id}`);
    await page.click(`.finding-head a[href="#/units/${unit.unit_id}"]`);
    await checkUnitPage("unit from a finding's link");
  });

  await t.test("audit: the world's folder uploaded as a .zip shows what staffchainctl audit finds; a refusal in words", async () => {
    const { page, watcher } = clerk;
    await visit(page, '#/audit');
    assert.match(await page.textContent('#page'), /不保存任何上传内容/, 'the page says nothing uploaded is kept');
    assert.ok(await page.isVisible('label[for] >> text=导出文件'), 'the file input has its label');
    const bad = path.join(world.dir, 'not-a-zip.zip');
    fs.writeFileSync(bad, 'these are not the exports');
    await expectErrors(
      watcher,
      (entry) => entry.status === 400 && entry.url.includes('/api/v1/audit'),
      async () => {
        await page.setInputFiles('input[name="files"]', bad);
        await page.click('form.audit-form button[type="submit"]');
        await page.waitForSelector('.audit-form .message-error');
      },
    );
    assert.match(await page.textContent('.audit-form .message-error'), /400.*zip/, 'the daemon\'s reason, in words');
    assertClean(watcher, 'audit refused');

    const expected = await ctlAuditFingerprints(today);
    assert.ok(expected.size > 0, 'staffchainctl audit finds something in the world');
    const shown = await auditInPage(page, await zipExports(), today);
    assertSameSet(shown, expected, 'the audit of the .zip');
    assert.ok((await page.$$('.audit-rules tbody tr')).length > 0, 'findings by rule');
    assert.match(await page.textContent('.audit-result'), new RegExp(today), 'the day of the audit');
    await checkPage(page, watcher, 'audit');
  });

  await t.test('the English switch, kept across a reload', async () => {
    const { page, watcher } = clerk;
    await visit(page, '#/overview');
    await page.click('button.lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await rendered(page);
    assert.equal(await page.textContent('nav.mainnav a[data-nav="overview"]'), 'Overview');
    await page.reload();
    await rendered(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 3, null, { timeout: WAIT });
    await photograph(page, 'overview-en');
    await page.click('button.lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await rendered(page);
    assertClean(watcher, 'language switch');
  });

  await t.test('sign-out returns to the sign-in form', async () => {
    const { page, watcher } = clerk;
    await page.click('button.sign-out');
    await page.waitForSelector('form.signin-form');
    assert.match(await page.textContent('.status-area'), /已退出/);
    assertClean(watcher, 'sign-out');
    await clerk.context.close();
  });

  await t.test('a read-only session: no write controls, a write refused, and idle expiry', async () => {
    const viewer = await newSession(world.tokens.read);
    const { page, watcher } = viewer;
    try {
      assert.equal(await page.textContent('.topbar .badge'), '只读');
      await visit(page, `#/findings/${picked.ack.id}`);
      assert.equal(await page.$$eval('form[data-action]', (forms) => forms.length), 0, 'no action forms');
      assert.ok(await page.isVisible('.read-only-note'));
      const person = await page.$$eval('.finding-head .facts div', (pairs) =>
        pairs.filter((pair) => pair.querySelector('dt').textContent === '人员').map((pair) => pair.querySelector('dd').textContent),
      );
      for (const id of person) assert.ok(!/^\d{17}[\dX]$/.test(id), `citizen ids are masked for a read token: ${id}`);
      await checkPage(page, watcher, 'finding-read-only');
      const number = (await get('/api/v1/cases')).body.cases[0].number;
      await visit(page, `#/cases/${number}`);
      assert.equal(await page.$$eval('main button', (buttons) => buttons.length), 0, 'no buttons on a case for a read token');
      assertClean(watcher, 'read-only case');
      // The audit is for a read token too: the nine files chosen at once (multipart/form-data).
      await visit(page, '#/audit');
      const shown = await auditInPage(page, exportFiles(), today);
      assertSameSet(shown, await ctlAuditFingerprints(today), 'the audit of the files by a read-only session');
      await checkPage(page, watcher, 'audit-read-only');
      await visit(page, `#/units/${picked.unit.profile.unit.unit_id}`);
      const ids = await page.$$eval('.paged tbody tr td:nth-child(2)', (cells) => cells.map((cell) => cell.textContent));
      assert.ok(ids.length > 0, "the unit's roster is shown");
      for (const id of ids) assert.ok(!/^\d{17}[\dX]$/.test(id), `citizen ids on a unit's roster are masked for a read token: ${id}`);
      assertClean(watcher, 'read-only unit');
      const status = await expectErrors(
        watcher,
        (entry) => entry.status === 403,
        () =>
          page.evaluate(async (id) => {
            const session = await (await fetch('/api/v1/session')).json();
            const response = await fetch(`/api/v1/alerts/${id}/ack`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf },
              body: JSON.stringify({ comment: 'read token' }),
            });
            await response.text();
            return response.status;
          }, picked.case.id),
      );
      assert.equal(status, 403, 'a read session may not write, even with its CSRF token');
      assertClean(watcher, 'read-only write');
      // Idle: nothing is done for longer than session_idle; the page finds out by itself.
      const idleSince = Date.now();
      await expectErrors(
        watcher,
        (entry) => entry.status === 401 && entry.url.includes('/api/v1/'),
        () => page.waitForSelector('form.signin-form', { timeout: IDLE_SECONDS * 1000 + WAIT }),
      );
      assert.ok(Date.now() - idleSince >= IDLE_SECONDS * 1000 - 1000, 'the form came back only after the idle time');
      assert.match(await page.textContent('.status-area'), /会话已过期，请重新登录/);
      assertClean(watcher, 'expiry');
      const answer = await expectErrors(
        watcher,
        (entry) => entry.status === 401,
        () =>
          page.evaluate(async () => {
            const response = await fetch('/api/v1/session');
            await response.text();
            return response.status;
          }),
      );
      assert.equal(answer, 401, 'the daemon ended the session too');
      assertClean(watcher, 'expired session');
    } finally {
      await viewer.context.close();
    }
  });
});
