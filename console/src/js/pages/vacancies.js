// 空编: the vacancy pool per unit and establishment type, with totals per region
// (GET /api/v1/vacancies?region=&type=&recoverable=&limit=&offset=).
import { api, query } from '../api.js';
import { badge, field, h, pagedTable, section, select, table } from '../dom.js';
import { label, num, t } from '../i18n.js';
import { unitLink } from './units.js';

const PAGE_SIZE = 50;
const TYPES = ['admin', 'political_legal', 'institution', 'service', 'veteran_cadre'];

export async function render(ctx) {
  const values = {
    region: ctx.query.get('region') || '',
    type: ctx.query.get('type') || '',
    recoverable: ctx.query.get('recoverable') === 'true' ? 'true' : '',
  };
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  // A page of rows from the daemon (a province's pool is tens of thousands); totals count them all.
  const pool = await api(`/api/v1/vacancies${query({ ...values, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
  if (!ctx.alive()) return;
  const regionEntries = Object.entries(pool.regions || {});

  const region = select('region', [['', t('all')], ...regionEntries.map(([code, row]) => [code, `${row.region_name || code} (${code})`])], values.region);
  const type = select('type', [['', t('all')], ...TYPES.map((code) => [code, label('estab', code)])], values.type);
  const recoverable = h('input', { type: 'checkbox', name: 'recoverable', checked: values.recoverable === 'true' });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        ctx.setQuery({ region: region.value, type: type.value, recoverable: recoverable.checked ? 'true' : '' });
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('findings.filters')),
      h(
        'div',
        { class: 'filter-row' },
        field(t('findings.region'), region),
        field(t('vacancies.type'), type),
        h('div', { class: 'field field-check' }, recoverable, h('label', { for: (recoverable.id = 'vac-recoverable') }, t('vacancies.recoverable.only'))),
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary' }, t('findings.apply')),
        h('button', { type: 'button', onclick: () => ctx.setQuery({}) }, t('findings.clear')),
      ),
    ),
  );

  const total = pool.total || {};
  const regionTable = table({
    caption: t('vacancies.regions'),
    hideCaption: true,
    rowHeader: true,
    columns: [
      { label: t('findings.region'), value: ([code, row]) => `${row.region_name || ''} ${code}`.trim() },
      { label: t('vacancies.approved'), value: ([, row]) => num(row.approved), num: true },
      { label: t('vacancies.occupied'), value: ([, row]) => num(row.occupied), num: true },
      { label: t('vacancies.reserved'), value: ([, row]) => num(row.reserved), num: true },
      { label: t('vacancies.vacant'), value: ([, row]) => num(row.vacant), num: true },
      { label: t('vacancies.excess'), value: ([, row]) => num(row.excess), num: true },
      { label: t('vacancies.recoverable'), value: ([, row]) => num(row.recoverable), num: true },
    ],
    rows: regionEntries,
  });
  const regionName = (code) => (pool.regions && pool.regions[code] && pool.regions[code].region_name) || code;
  const list = pagedTable({
    caption: t('vacancies.caption'),
    hideCaption: true,
    rowHeader: true,
    columns: [
      { label: t('vacancies.unit'), value: (row) => unitLink(row.unit_id, row.unit_name) },
      { label: t('findings.region'), value: (row) => regionName(row.region) },
      { label: t('vacancies.type'), value: (row) => label('estab', row.estab_type) },
      { label: t('vacancies.approved'), value: (row) => num(row.approved), num: true },
      { label: t('vacancies.occupied'), value: (row) => num(row.occupied), num: true },
      { label: t('vacancies.reserved'), value: (row) => num(row.reserved), num: true },
      { label: t('vacancies.vacant'), value: (row) => num(row.vacant), num: true },
      { label: t('vacancies.vacantSince'), value: (row) => row.vacant_since || '' },
      {
        label: t('vacancies.because'),
        value: (row) => (row.recoverable ? h('span', {}, badge('recoverable', t('vacancies.recoverable')), ' ', row.recoverable_because || '') : ''),
      },
    ],
    rows: pool.vacancies || [],
    total: pool.rows ?? (pool.vacancies || []).length,
    page,
    pageSize: PAGE_SIZE,
    onPage: (next) => ctx.setQuery({ ...values, page: next }),
  });
  ctx.show(
    t('vacancies.title'),
    h('p', { class: 'subtitle' }, t('overview.asOf', { date: pool.as_of })),
    form,
    h('p', { class: 'totals', role: 'status' }, t('vacancies.total', Object.fromEntries(Object.entries(total).map(([k, v]) => [k, num(v)])))),
    section(t('vacancies.regions'), regionTable),
    section(t('vacancies.caption'), list),
  );
}
