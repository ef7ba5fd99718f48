// One unit (GET /api/v1/units/{code}?roster_offset=&roster_limit=): who it is, its establishment
// per type (a table and a stacked bar chart), its leadership posts approved and held, its roster
// (paged by the daemon), its movements newest first, and what the daemon holds against it:
// open findings, notices to the departments, rectification cases and reduction tasks.
import { api, ApiError, describe } from '../api.js';
import { chartBox, chartsAvailable, stackedBars } from '../charts.js';
import { badge, facts, h, message, pagedTable, section, table } from '../dom.js';
import { label, lang, num, ruleTitle, t, when } from '../i18n.js';
import { caseState } from './cases.js';
import { summaryOf } from './findings.js';
import { stateText } from './reductions.js';

const ROSTER_PAGE = 50;

// Posts over the approval (vacant below zero) are shown as such, never as a negative vacancy.
function vacantCell(row) {
  if (row.vacant >= 0) return num(row.vacant);
  return h('span', { class: 'over' }, `0（${t('unit.excess')} ${num(-row.vacant)}）`);
}

function establishment(rows) {
  if (rows.length === 0) return { node: section(t('unit.estab'), h('p', { class: 'muted' }, t('unit.estab.none'))), draw: () => {} };
  const box = chartBox(t('unit.estab.chart'), 300);
  const node = section(
    t('unit.estab'),
    h(
      'div',
      { class: 'grid-2 estab-grid' },
      table({
        caption: t('unit.estab.caption'),
        rowHeader: true,
        className: 'estab-table',
        columns: [
          { label: t('vacancies.type'), value: (row) => row.type_name && lang() !== 'en' ? row.type_name : label('estab', row.type) },
          { label: t('unit.approved'), value: (row) => num(row.approved), num: true },
          { label: t('unit.occupied'), value: (row) => num(row.occupied), num: true },
          { label: t('unit.reserved'), value: (row) => num(row.reserved), num: true },
          { label: t('unit.vacant'), value: vacantCell, num: true },
          { label: t('unit.vacantSince'), value: (row) => h('span', { class: 'nowrap' }, row.vacant_since || '') },
        ],
        rows,
      }),
      box,
    ),
  );
  return { node, draw: () => drawEstablishment(box, rows) };
}

function drawEstablishment(box, rows) {
  stackedBars(box, {
    categories: rows.map((row) => label('estab', row.type)),
    parts: [
      { name: t('unit.occupied'), values: rows.map((row) => row.occupied), colour: '#1f5f8b' },
      { name: t('unit.reserved'), values: rows.map((row) => row.reserved), colour: '#c2570c' },
      { name: t('unit.vacant'), values: rows.map((row) => Math.max(0, row.vacant)), colour: '#8fb3d9' },
    ],
    total: { name: t('unit.approved'), values: rows.map((row) => row.approved) },
  });
}

function leaderLabel(row) {
  if (lang() !== 'en' && row.label) return row.label;
  return `${label('leader', row.level)} ${label('rank', row.rank)}`;
}

function leadership(rows) {
  const wrap = table({
    caption: t('unit.leadership.caption'),
    hideCaption: true,
    rowHeader: true,
    className: 'leadership-table',
    columns: [
      { label: t('unit.post'), value: leaderLabel },
      { label: t('unit.approved'), value: (row) => num(row.approved), num: true },
      { label: t('unit.held'), value: (row) => num(row.held), num: true },
      {
        label: t('unit.leadership.note'),
        value: (row) => (row.held > row.approved ? badge('critical', t('unit.overPosts', { n: row.held - row.approved })) : ''),
      },
    ],
    rows,
  });
  // A row over its approval stands out (the badge says it in words too).
  rows.forEach((row, index) => {
    if (row.held > row.approved) wrap.querySelectorAll('tbody tr')[index].classList.add('row-over');
  });
  return section(t('unit.leadership'), wrap);
}

function leaderPost(row) {
  if (!row.leader_level || row.leader_level === 'none') return '';
  if (lang() === 'en') return `${label('leader', row.leader_level)} ${label('rank', row.leader_rank)}`;
  return `${label('leader', row.leader_level)}${label('rank', row.leader_rank)}`;
}

function roster(ctx, data, page) {
  const total = data.total ?? data.persons.length;
  return section(
    t('unit.roster'),
    pagedTable({
      caption: t('unit.roster.caption', { count: num(total) }),
      rowHeader: true,
      columns: [
        { label: t('unit.roster.name'), value: (row) => row.name },
        { label: t('unit.roster.id'), value: (row) => h('span', { class: 'code nowrap' }, row.person_id) },
        { label: t('unit.roster.type'), value: (row) => label('estab', row.type) },
        { label: t('unit.roster.entered'), value: (row) => h('span', { class: 'nowrap' }, row.entered_on) },
        { label: t('unit.roster.approval'), value: (row) => h('span', { class: 'code' }, row.approval_id || '') },
        { label: t('unit.roster.leader'), value: leaderPost },
      ],
      rows: data.persons || [],
      total,
      page,
      pageSize: ROSTER_PAGE,
      onPage: (next) => ctx.setQuery({ page: next }),
    }),
  );
}

// The other unit of a movement as a link to its page; this unit in words.
function unitRef(code, self) {
  if (!code) return '';
  if (code === self) return t('unit.thisUnit');
  return h('a', { href: `#/units/${encodeURIComponent(code)}`, class: 'code' }, code);
}

// Where the movement went (from → to when it names both; the other unit when not this one),
// which department's system recorded it, and the approval it cites.
function detailLine(item, self) {
  const parts = [];
  if (item.from_unit_id) parts.push([unitRef(item.from_unit_id, self), ' → ', unitRef(item.unit_id, self)]);
  else if (item.unit_id && item.unit_id !== self) parts.push(unitRef(item.unit_id, self));
  if (item.source) parts.push(t('unit.movements.source', { source: label('role', item.source) }));
  if (item.approval_id) parts.push([t('unit.roster.approval'), ' ', h('span', { class: 'code' }, item.approval_id)]);
  if (parts.length === 0) return null;
  return h('p', { class: 'timeline-detail' }, parts.flatMap((part, index) => (index ? [' · ', part] : [part])));
}

function movements(data, self) {
  const items = data.items || [];
  const total = data.total ?? items.length;
  if (items.length === 0) return section(t('unit.movements'), h('p', { class: 'muted' }, t('unit.movements.none')));
  // The list scrolls within its box when long: it takes the focus, so that the keyboard scrolls it.
  return section(
    t('unit.movements'),
    total > items.length ? h('p', { class: 'muted' }, t('unit.movements.latest', { shown: num(items.length), total: num(total) })) : null,
    h(
      'ol',
      { class: 'timeline', tabindex: '0', 'aria-label': t('unit.movements') },
      items.map((item) =>
        h(
          'li',
          { class: `timeline-item movement-${item.kind}` },
          h('time', { datetime: item.effective_on, class: 'timeline-date' }, item.effective_on),
          h(
            'div',
            { class: 'timeline-body' },
            h('p', { class: 'timeline-head' }, h('strong', {}, label('movement', item.kind)), ' ', item.name || '', ' ', h('span', { class: 'code muted' }, item.person_id)),
            detailLine(item, self),
          ),
        ),
      ),
    ),
  );
}

function findingsTable(rows) {
  return section(
    t('unit.findings'),
    table({
      caption: t('unit.findings.caption', { count: num(rows.length) }),
      rowHeader: true,
      columns: [
        { label: t('findings.rule'), value: (row) => h('span', { class: 'nowrap', title: ruleTitle(row.rule) }, row.rule) },
        { label: t('severity'), value: (row) => badge(row.severity, label('severity', row.severity)) },
        { label: t('findings.summary'), value: (row) => h('a', { href: `#/findings/${encodeURIComponent(row.fingerprint)}` }, summaryOf(row) || row.fingerprint) },
        { label: t('findings.person'), value: (row) => h('span', { class: 'code nowrap' }, row.person_id || '') },
        { label: t('findings.since'), value: (row) => h('span', { class: 'nowrap' }, row.since) },
      ],
      rows,
    }),
  );
}

function noticesTable(rows) {
  return section(
    t('unit.notices'),
    table({
      caption: t('unit.notices.caption', { count: num(rows.length) }),
      hideCaption: true,
      rowHeader: true,
      columns: [
        { label: t('unit.notices.action'), value: (row) => label('notice', row.action) },
        { label: t('unit.notices.system'), value: (row) => label('role', row.system) },
        { label: t('findings.person'), value: (row) => h('span', { class: 'code nowrap' }, row.person_id || '') },
        { label: t('unit.notices.deadline'), value: (row) => h('span', { class: 'nowrap' }, row.deadline || '') },
        { label: t('unit.notices.state'), value: (row) => badge(`notice-${row.state}`, label('noticeState', row.state)) },
        { label: t('unit.notices.written'), value: (row) => when(row.written_at) },
      ],
      rows,
    }),
  );
}

function casesTable(rows) {
  return section(
    t('unit.cases'),
    table({
      caption: t('cases.caption'),
      hideCaption: true,
      rowHeader: true,
      columns: [
        { label: t('cases.docNo'), value: (row) => h('a', { href: `#/cases/${row.number}` }, row.doc_no || `#${row.number}`) },
        { label: t('cases.opened'), value: (row) => row.opened_on },
        { label: t('cases.deadline'), value: (row) => row.deadline },
        { label: t('cases.state'), value: caseState },
        { label: t('cases.findings'), value: (row) => `${num(row.findings_open)} / ${num(row.findings_total)}`, num: true },
      ],
      rows,
    }),
  );
}

function reductionsTable(rows) {
  return section(
    t('unit.reductions'),
    table({
      caption: t('reductions.caption'),
      hideCaption: true,
      rowHeader: true,
      columns: [
        { label: t('reductions.task'), value: (row) => row.task_id },
        { label: t('vacancies.type'), value: (row) => label('estab', row.estab_type) },
        { label: t('reductions.docNo'), value: (row) => row.doc_no },
        { label: t('reductions.due'), value: (row) => row.due_on },
        { label: t('reductions.toRecover'), value: (row) => num(row.posts_to_recover), num: true },
        { label: t('reductions.recovered'), value: (row) => num(row.recovered), num: true },
        { label: t('reductions.remaining'), value: (row) => num(row.remaining), num: true },
        { label: t('reductions.state'), value: (row) => badge(`reduction-${row.state}`, stateText(row.state, row.state_zh)) },
      ],
      rows,
    }),
  );
}

export async function render(ctx) {
  const code = ctx.params[0].toUpperCase();
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  const back = h('p', { class: 'back' }, h('a', { href: '#/units' }, `← ${t('unit.back')}`));
  let data;
  try {
    data = await api(`/api/v1/units/${encodeURIComponent(code)}?roster_offset=${(page - 1) * ROSTER_PAGE}&roster_limit=${ROSTER_PAGE}`);
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
    if (!ctx.alive()) return;
    ctx.show(t('unit.title'), back, message('error', error.status === 404 ? t('unit.notFound', { code }) : describe(error)));
    return;
  }
  if (!ctx.alive()) return;
  const unit = data.unit || {};
  const estab = establishment(data.establishment || []);
  const region = unit.region ? `${unit.region_name || ''} ${unit.region}`.trim() : '';
  ctx.show(
    unit.name || code,
    back,
    h('p', { class: 'subtitle' }, t('overview.asOf', { date: data.as_of })),
    facts([
      [t('unit.code'), h('span', { class: 'code' }, unit.unit_id)],
      [t('unit.region'), region],
      [t('unit.kind'), label('unitKind', unit.kind)],
      [t('unit.funding'), label('funding', unit.funding)],
      [t('unit.parent'), unit.parent_id ? h('a', { href: `#/units/${encodeURIComponent(unit.parent_id)}`, class: 'code' }, unit.parent_id) : ''],
    ]),
    chartsAvailable() ? null : message('error', t('error.charts')),
    estab.node,
    (data.leadership || []).length ? leadership(data.leadership) : null,
    findingsTable(data.findings || []),
    (data.cases || []).length ? casesTable(data.cases) : null,
    ((data.reductions && data.reductions.reductions) || []).length ? reductionsTable(data.reductions.reductions) : null,
    (data.notices || []).length ? noticesTable(data.notices) : null,
    roster(ctx, data.roster || { persons: [] }, page),
    movements(data.movements || {}, unit.unit_id),
  );
  estab.draw();
}
