// 审计: an inspection team's folder of exports checked with the daemon's rules
// (POST /api/v1/audit[?as_of=]): one .zip as the body (application/zip), or several .csv/.xlsx
// files as multipart/form-data. The daemon keeps nothing; the answer is shown in this page only.
import { api, describe, query } from '../api.js';
import { badge, clear, facts, field, h, pagedTable, say, section, statusArea, table } from '../dom.js';
import { fieldName, label, lang, num, ruleTitle, t } from '../i18n.js';
import { summaryOf } from './findings.js';

const MAX_BYTES = 256 * 1024 * 1024; // the daemon's limit for one upload
const PAGE_SIZE = 50;
const SEVERITY_ORDER = { critical: 0, major: 1, minor: 2 };

function size(bytes) {
  if (bytes < 1024 * 1024) return `${num(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${num(bytes / (1024 * 1024), 1)} MB`;
}

const isZip = (file) => /\.zip$/i.test(file.name);
const isSheet = (file) => /\.(csv|xlsx)$/i.test(file.name);

// What is wrong with the files chosen, in words; '' when they can go.
function refusal(files) {
  if (files.length === 0) return t('audit.noFiles');
  const wrong = files.find((file) => !isZip(file) && !isSheet(file));
  if (wrong) return t('audit.wrongType', { name: wrong.name });
  if (files.some(isZip) && files.length > 1) return t('audit.oneZip');
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  if (bytes > MAX_BYTES) return t('audit.tooLarge', { size: size(bytes) });
  return '';
}

// Rows of the answer, 50 a page, paged in the page (the answer is all there is): the pager
// redraws the table and takes the reader to its caption.
function pagedHere(options, className = '') {
  const holder = h('div', { class: `paged-here ${className}`.trim() });
  const show = (page) => {
    clear(holder).appendChild(
      pagedTable({
        ...options,
        page,
        pageSize: PAGE_SIZE,
        onPage: (next) => {
          show(next);
          const caption = holder.querySelector('caption');
          caption.setAttribute('tabindex', '-1');
          caption.focus();
        },
      }),
    );
  };
  show(1);
  return holder;
}

function findingsList(findings) {
  return pagedHere({
    caption: t('audit.findings.caption', { count: num(findings.length) }),
    rowHeader: true,
    columns: [
      { label: t('findings.rule'), value: (row) => h('span', { class: 'nowrap', title: ruleTitle(row.rule) }, row.rule) },
      { label: t('severity'), value: (row) => badge(row.severity, label('severity', row.severity)) },
      { label: t('findings.summary'), value: (row) => summaryOf(row) },
      { label: t('finding.unit'), value: (row) => h('span', { class: 'code nowrap' }, row.unit_id || '') },
      { label: t('findings.person'), value: (row) => h('span', { class: 'code nowrap' }, row.person_id || '') },
      { label: t('findings.since'), value: (row) => h('span', { class: 'nowrap' }, row.since) },
      { label: t('audit.fingerprint'), value: (row) => h('span', { class: 'code nowrap fingerprint', dataset: { fingerprint: row.fingerprint } }, row.fingerprint) },
    ],
    rows: findings,
  }, 'audit-findings');
}

function result(answer) {
  const findings = [...(answer.findings || [])].sort(
    (a, b) => (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || a.rule.localeCompare(b.rule) || a.since.localeCompare(b.since),
  );
  const severityOf = new Map(findings.map((finding) => [finding.rule, finding.severity]));
  const byRule = Object.entries(answer.by_rule || {}).sort(([a], [b]) => a.localeCompare(b));
  const files = answer.files || [];
  // "roster" -> the file it came from as uploaded (roster.csv or roster.xlsx).
  const fileOf = (stem) => files.find((name) => name.replace(/\.(csv|xlsx)$/i, '') === stem) || stem;
  const quarantine = answer.quarantine || [];
  // The daemon's row is "deaths.csv:27" already, or a bare line number of the record's file.
  const where = (row) => (String(row.row).includes(':') ? String(row.row) : `${fileOf(row.record_type)}:${row.row}`);
  const list = (items) => (items.length ? h('ul', { class: 'plain-list' }, items.map((item) => h('li', {}, item))) : t('none'));
  return h(
    'div',
    { class: 'audit-result' },
    section(
      t('audit.result'),
      facts([
        [t('audit.day'), answer.as_of],
        [t('audit.count'), num(answer.count ?? findings.length)],
        [t('audit.quarantined'), num(answer.quarantined ?? quarantine.length)],
        [t('audit.filesRead'), files.length ? files.join(lang() === 'en' ? ', ' : '、') : t('none')],
        [t('audit.ignored'), list(answer.ignored || [])],
        [t('audit.notes'), list(answer.notes || [])],
      ]),
    ),
    section(
      t('audit.byRule'),
      table({
        caption: t('audit.byRule.caption'),
        hideCaption: true,
        rowHeader: true,
        className: 'audit-rules',
        columns: [
          { label: t('overview.rule'), value: ([rule]) => rule },
          { label: t('overview.ruleTitle'), value: ([rule]) => ruleTitle(rule, rule) },
          { label: t('severity'), value: ([rule]) => (severityOf.has(rule) ? badge(severityOf.get(rule), label('severity', severityOf.get(rule))) : '') },
          { label: t('audit.rules.count'), value: ([, count]) => num(count), num: true },
        ],
        rows: byRule,
      }),
    ),
    section(t('audit.findings'), findingsList(findings)),
    section(
      t('audit.quarantine'),
      pagedHere({
        caption: t('audit.quarantine.caption', { count: num(quarantine.length) }),
        hideCaption: true,
        rowHeader: true,
        columns: [
          { label: t('audit.quarantine.where'), value: (row) => h('span', { class: 'code nowrap' }, where(row)) },
          { label: t('audit.quarantine.field'), value: (row) => (row.field ? [fieldName(row.field), ' ', h('span', { class: 'code muted' }, `(${row.field})`)] : '') },
          { label: t('audit.quarantine.value'), value: (row) => h('span', { class: 'code' }, row.value || '') },
          { label: t('audit.quarantine.reason'), value: (row) => row.reason },
        ],
        rows: quarantine,
      }),
    ),
  );
}

export async function render(ctx) {
  const input = h('input', { type: 'file', name: 'files', multiple: true, accept: '.zip,.csv,.xlsx,application/zip' });
  const asOf = h('input', { type: 'date', name: 'as_of' });
  const status = statusArea();
  const output = h('div', { class: 'audit-output' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('audit.submit'));
  const form = h(
    'form',
    {
      class: 'audit-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const files = [...input.files];
        const refused = refusal(files);
        if (refused) {
          say(status, 'error', refused);
          input.focus();
          return;
        }
        clear(output);
        button.disabled = true;
        const bytes = files.reduce((sum, file) => sum + file.size, 0);
        say(status, 'info', t('audit.running', { count: files.length, size: size(bytes) }));
        const path = `/api/v1/audit${query({ as_of: asOf.value })}`;
        try {
          let answer;
          if (files.length === 1 && isZip(files[0])) {
            answer = await api(path, { method: 'POST', raw: files[0], contentType: 'application/zip' });
          } else {
            const body = new FormData();
            for (const file of files) body.append('files', file, file.name);
            answer = await api(path, { method: 'POST', raw: body });
          }
          if (!ctx.alive()) return;
          say(status, 'ok', t('audit.done', { count: num(answer.count ?? answer.findings.length), quarantined: num(answer.quarantined ?? 0) }));
          output.appendChild(result(answer));
        } catch (error) {
          if (!ctx.alive()) return;
          say(status, 'error', describe(error));
        } finally {
          button.disabled = false;
        }
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('audit.form')),
      h('div', { class: 'filter-row' }, field(t('audit.files'), input), field(t('audit.asOf'), asOf)),
      button,
      status,
    ),
  );
  ctx.show(
    t('audit.title'),
    h('p', { class: 'intro audit-intro' }, t('audit.intro')),
    h('p', { class: 'message message-info kept-note' }, t('audit.notKept')),
    form,
    output,
  );
}
