// 整改: the rectification cases (GET /api/v1/cases?state=).
import { api, query } from '../api.js';
import * as cache from '../cache.js';
import { badge, h, pagedTable, select, singleFilter } from '../dom.js';
import { label, num, t } from '../i18n.js';
import { unitLink } from './units.js';

export const CASE_STATES = ['issued', 'rectifying', 'submitted', 'verified', 'overdue'];

export function caseState(row) {
  return badge(`case-${row.state}`, label('cases.state', row.state));
}

export async function render(ctx) {
  const values = { state: ctx.query.get('state') || '', region: ctx.query.get('region') || '' };
  const page = Number(ctx.query.get('page')) || 1;
  const [list, regions] = await Promise.all([api(`/api/v1/cases${query(values)}`), cache.regionNames()]);
  if (!ctx.alive()) return;
  const state = select('state', [['', t('all')], ...CASE_STATES.map((code) => [code, label('cases.state', code)])], values.state);
  const form = singleFilter(ctx, t('cases.state'), state);
  ctx.show(
    t('cases.title'),
    form,
    pagedTable({
      caption: t('cases.caption'),
      rowHeader: true,
      columns: [
        { label: t('cases.docNo'), value: (row) => h('a', { href: `#/cases/${row.number}` }, row.doc_no || `#${row.number}`) },
        { label: t('cases.unit'), value: (row) => unitLink(row.unit_id, row.unit_name) },
        { label: t('findings.region'), value: (row) => regions.get(row.region) || row.region },
        { label: t('cases.opened'), value: (row) => row.opened_on },
        { label: t('cases.deadline'), value: (row) => row.deadline },
        { label: t('cases.state'), value: caseState },
        { label: t('cases.findings'), value: (row) => `${num(row.findings_open)} / ${num(row.findings_total)}`, num: true },
      ],
      rows: list.cases || [],
      page,
      pageSize: 50,
      onPage: (next) => ctx.setQuery({ ...values, page: next }),
    }),
  );
}
