// 总览: open findings by rule, severity and region, opened against resolved per week, the
// four source links and the backlog (GET /api/v1/overview).
import * as cache from '../cache.js';
import { chartBox, chartsAvailable, horizontalBars, lines, SEVERITY_COLOURS } from '../charts.js';
import { badge, h, message, section, table } from '../dom.js';
import { label, lang, num, ruleTitle, t, when } from '../i18n.js';

const ROLES = ['estab', 'org', 'hr', 'finance'];

function card(title, value, extra = {}) {
  return h('div', { class: `card ${extra.class || ''}` }, h('p', { class: 'card-label' }, title), h('p', { class: 'card-value' }, value));
}

// A <details> holding a chart's figures as a table.
function asTable(tableNode) {
  return h('details', { class: 'as-table' }, h('summary', {}, t('table.asTable')), tableNode);
}

export async function render(ctx) {
  const data = await cache.overview();
  if (!ctx.alive()) return;
  const findings = data.findings || {};
  const bySeverity = findings.by_severity || {};
  const byRule = findings.by_rule || [];
  const byRegion = findings.by_region || [];
  const weekly = findings.weekly || [];
  const backlog = data.backlog || {};

  const cards = h(
    'div',
    { class: 'cards' },
    card(t('overview.open'), num(findings.open), { class: 'card-total' }),
    ['critical', 'major', 'minor'].map((severity) =>
      card(label('severity', severity), num(bySeverity[severity] || 0), { class: `card-${severity}` }),
    ),
    card(t('overview.outbox'), num(backlog.outbox || 0)),
    card(t('overview.notices'), num(backlog.notices || 0)),
  );

  // The rule's title as the daemon's catalogue gives it, else as this page knows it.
  const ruleName = (row) => (lang() === 'en' ? row.title_en : row.title) || ruleTitle(row.rule, row.title || '');
  const ruleBox = chartBox(t('overview.byRule.chart'), Math.max(160, byRule.length * 30 + 24));
  const ruleTable = table({
    caption: t('overview.byRule'),
    hideCaption: true,
    rowHeader: true,
    columns: [
      { label: t('overview.rule'), value: (row) => h('a', { href: `#/findings?rule=${encodeURIComponent(row.rule)}` }, row.rule) },
      { label: t('overview.ruleTitle'), value: ruleName },
      { label: t('severity'), value: (row) => badge(row.severity, label('severity', row.severity)) },
      { label: t('overview.open'), value: (row) => num(row.open), num: true },
    ],
    rows: byRule,
  });

  const regionBox = chartBox(t('overview.byRegion.chart'), Math.max(160, byRegion.length * 30 + 24));
  const regionTable = table({
    caption: t('overview.byRegion'),
    rowHeader: true,
    columns: [
      { label: t('overview.region'), value: (row) => h('a', { href: `#/findings?region=${encodeURIComponent(row.region)}` }, regionLabel(row)) },
      { label: t('overview.open'), value: (row) => num(row.open), num: true },
    ],
    rows: byRegion,
  });

  const weekBox = chartBox(t('overview.weekly.chart'), 300);
  const weekTable = table({
    caption: t('overview.weekly'),
    rowHeader: true,
    columns: [
      { label: t('overview.week'), value: (row) => row.week },
      { label: t('overview.weekStart'), value: (row) => row.start },
      { label: t('overview.opened'), value: (row) => num(row.opened), num: true },
      { label: t('overview.resolved'), value: (row) => num(row.resolved), num: true },
    ],
    rows: weekly,
  });

  // The links in the order of the chain's departments, then any other.
  const links = [...(data.links || [])].sort(
    (a, b) => (ROLES.indexOf(a.role) + 1 || 9) - (ROLES.indexOf(b.role) + 1 || 9) || a.connector.localeCompare(b.connector),
  );
  const linkTable = table({
    caption: t('overview.links'),
    hideCaption: true,
    rowHeader: true,
    columns: [
      { label: t('overview.source'), value: (row) => label('role', row.role) },
      { label: t('overview.connector'), value: (row) => row.connector },
      { label: t('overview.state'), value: (row) => badge(`link-${row.state}`, label('connectors.state', row.state)) },
      { label: t('overview.lastSuccess'), value: (row) => (row.last_success ? when(row.last_success) : t('overview.never')) },
      { label: t('overview.records'), value: (row) => num(row.records), num: true },
    ],
    rows: links,
  });

  ctx.show(
    t('overview.title'),
    h('p', { class: 'subtitle' }, t('overview.asOf', { date: data.as_of })),
    chartsAvailable() ? null : message('error', t('error.charts')),
    cards,
    h(
      'div',
      { class: 'grid-2' },
      section(t('overview.byRule'), ruleBox, ruleTable),
      section(t('overview.byRegion'), regionBox, asTable(regionTable)),
    ),
    section(t('overview.weekly'), weekBox, asTable(weekTable)),
    h('div', { class: 'grid-2' }, section(t('overview.links'), linkTable), section(t('overview.backlog'), backlogFacts(backlog))),
  );

  horizontalBars(ruleBox, {
    name: t('overview.open'),
    categories: byRule.map((row) => `${row.rule} ${ruleName(row)}`),
    values: byRule.map((row) => row.open),
    colours: byRule.map((row) => SEVERITY_COLOURS[row.severity] || '#4a6fa5'),
  });
  // Most findings first: the banner or city that needs attention is on top.
  const regionsByCount = [...byRegion].sort((a, b) => b.open - a.open);
  horizontalBars(regionBox, {
    name: t('overview.open'),
    categories: regionsByCount.map((row) => regionLabel(row)),
    values: regionsByCount.map((row) => row.open),
    colours: regionsByCount.map(() => '#1f5f8b'),
  });
  lines(weekBox, {
    categories: weekly.map((row) => row.week),
    series: [
      { name: t('overview.opened'), values: weekly.map((row) => row.opened), colour: '#b42318' },
      { name: t('overview.resolved'), values: weekly.map((row) => row.resolved), colour: '#2e7d32' },
    ],
  });
}

// Findings without a unit (a source link, a bad row) belong to no region.
function regionLabel(row) {
  return row.name || row.region || t('overview.noRegion');
}

function backlogFacts(backlog) {
  return h(
    'dl',
    { class: 'facts' },
    h('div', {}, h('dt', {}, t('overview.outbox')), h('dd', {}, num(backlog.outbox || 0))),
    h('div', {}, h('dt', {}, t('overview.notices')), h('dd', {}, num(backlog.notices || 0))),
    h('div', {}, h('dt', {}, t('overview.noticesOverdue')), h('dd', {}, num(backlog.notices_overdue || 0))),
  );
}
