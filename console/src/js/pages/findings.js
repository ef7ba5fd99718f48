// 告警: the open findings, filtered and paged by the daemon (rule, severity, region, unit, state:
// GET /api/v1/findings, each with its alert's state); resolved ones come from the alerts alone
// (GET /api/v1/alerts?state=resolved), as findings only hold what is open now.
import { api, query } from '../api.js';
import * as cache from '../cache.js';
import { badge, field, h, pagedTable, select } from '../dom.js';
import { label, lang, RULES, ruleTitle, t } from '../i18n.js';
import { unitCodeLink } from './units.js';

const SEVERITIES = ['critical', 'major', 'minor'];
const STATES = ['firing', 'acknowledged', 'resolved'];

export function summaryOf(item) {
  return (lang() === 'en' && item.summary_en) || item.summary || item.summary_en || '';
}

function filtersForm(ctx, values, regions) {
  const rule = select('rule', [['', t('all')], ...RULES.map((id) => [id, `${id} ${ruleTitle(id)}`])], values.rule);
  const severity = select('severity', [['', t('all')], ...SEVERITIES.map((s) => [s, label('severity', s)])], values.severity);
  const regionOptions = [...regions.entries()].map(([code, name]) => [code, `${name} (${code})`]);
  if (values.region && !regions.has(values.region)) regionOptions.push([values.region, values.region]);
  const region = select('region', [['', t('all')], ...regionOptions], values.region);
  const unit = h('input', {
    type: 'text',
    name: 'unit',
    value: values.unit,
    autocomplete: 'off',
    maxlength: '18',
    pattern: '[0-9A-Za-z]{18}',
    size: '20',
  });
  const state = select('state', [['', t('state.open')], ...STATES.map((s) => [s, label('state', s)])], values.state);
  return h(
    'form',
    {
      class: 'filters',
      'aria-label': t('findings.filters'),
      onsubmit: (event) => {
        event.preventDefault();
        ctx.setQuery({
          rule: rule.value,
          severity: severity.value,
          region: region.value,
          unit: unit.value.trim().toUpperCase(),
          state: state.value,
        });
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('findings.filters')),
      h(
        'div',
        { class: 'filter-row' },
        field(t('findings.rule'), rule),
        field(t('severity'), severity),
        field(t('findings.region'), region),
        field(t('findings.unit'), unit),
        field(t('findings.state'), state),
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary' }, t('findings.apply')),
        h('button', { type: 'button', onclick: () => ctx.setQuery({}) }, t('findings.clear')),
      ),
    ),
  );
}

const PAGE_SIZE = 50;

// One page of findings and how many match in all, both from the daemon (limit, offset, total):
// open findings carry their alert's state (firing, acknowledged); resolved ones are alerts.
async function load(values, page) {
  const { rule, severity, region, unit, state } = values;
  const paged = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  if (state === 'resolved') {
    const answer = await api(`/api/v1/alerts${query({ state: 'resolved', rule, severity, region, unit, ...paged })}`);
    const rows = answer.alerts.map((alert) => ({ ...alert, fingerprint: alert.id }));
    return { rows, total: answer.total ?? rows.length };
  }
  const open = await api(`/api/v1/findings${query({ rule, severity, region, unit, state, ...paged })}`);
  return { rows: open.findings, total: open.total ?? open.findings.length };
}

export async function render(ctx) {
  const values = {};
  for (const key of ['rule', 'severity', 'region', 'unit', 'state']) values[key] = ctx.query.get(key) || '';
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  const [regions, { rows, total }] = await Promise.all([cache.regionNames(), load(values, page)]);
  if (!ctx.alive()) return;
  const columns = [
    { label: t('findings.rule'), value: (row) => h('span', { class: 'nowrap', title: ruleTitle(row.rule) }, row.rule) },
    { label: t('severity'), value: (row) => badge(row.severity, label('severity', row.severity)) },
    {
      label: t('findings.summary'),
      value: (row) => h('a', { href: `#/findings/${encodeURIComponent(row.fingerprint)}` }, summaryOf(row) || row.fingerprint),
    },
    { label: t('finding.unit'), value: (row) => unitCodeLink(row.unit_id) },
    { label: t('findings.person'), value: (row) => h('span', { class: 'code nowrap' }, row.person_id || '') },
    { label: t('findings.region'), value: (row) => regions.get(row.region) || row.region || '' },
    { label: t('findings.since'), value: (row) => h('span', { class: 'nowrap' }, row.since) },
    { label: t('findings.state'), value: (row) => (row.state ? badge(`state-${row.state}`, label('state', row.state)) : t('state.unknown')) },
  ];
  ctx.show(
    t('findings.title'),
    filtersForm(ctx, values, regions),
    h('p', { class: 'result-count', role: 'status' }, t('findings.count', { count: total })),
    pagedTable({
      caption: t('findings.caption', { count: total }),
      columns,
      rows,
      total,
      page,
      pageSize: PAGE_SIZE,
      onPage: (next) => ctx.setQuery({ ...values, page: next }),
    }),
  );
}
