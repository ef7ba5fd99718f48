// 减编: the reduction tasks (控编减编) and how far each has come (GET /api/v1/reductions).
import { api, query } from '../api.js';
import { badge, h, pagedTable, select, singleFilter } from '../dom.js';
import { label, num, t } from '../i18n.js';
import { unitLink } from './units.js';

const STATES = ['on_track', 'done', 'overdue', 'no_baseline'];
const STATE_ZH = { on_track: '正常推进', done: '已完成', overdue: '已逾期', no_baseline: '无基数' };
const STATE_EN = { on_track: 'on track', done: 'done', overdue: 'overdue', no_baseline: 'no baseline' };

export function stateText(code, zh) {
  return document.documentElement.lang === 'en' ? STATE_EN[code] || code : zh || STATE_ZH[code] || code;
}

export async function render(ctx) {
  const values = { state: ctx.query.get('state') || '' };
  const page = Number(ctx.query.get('page')) || 1;
  const list = await api(`/api/v1/reductions${query(values)}`);
  if (!ctx.alive()) return;
  const state = select('state', [['', t('all')], ...STATES.map((code) => [code, stateText(code)])], values.state);
  const form = singleFilter(ctx, t('reductions.state'), state);
  const total = list.total || {};
  ctx.show(
    t('reductions.title'),
    h('p', { class: 'subtitle' }, t('overview.asOf', { date: list.as_of })),
    form,
    h('p', { class: 'totals', role: 'status' }, t('reductions.total', Object.fromEntries(Object.entries(total).map(([k, v]) => [k, num(v)])))),
    pagedTable({
      caption: t('reductions.caption'),
      rowHeader: true,
      columns: [
        { label: t('reductions.task'), value: (row) => row.task_id },
        { label: t('vacancies.unit'), value: (row) => unitLink(row.unit_id, row.unit_name) },
        { label: t('vacancies.type'), value: (row) => label('estab', row.estab_type) },
        { label: t('reductions.docNo'), value: (row) => row.doc_no },
        { label: t('reductions.issued'), value: (row) => row.issued_on },
        { label: t('reductions.due'), value: (row) => row.due_on },
        { label: t('reductions.toRecover'), value: (row) => num(row.posts_to_recover), num: true },
        { label: t('reductions.recovered'), value: (row) => num(row.recovered), num: true },
        { label: t('reductions.remaining'), value: (row) => num(row.remaining), num: true },
        { label: t('reductions.absorbed'), value: (row) => num(row.excess_absorbed), num: true },
        { label: t('reductions.state'), value: (row) => badge(`reduction-${row.state}`, stateText(row.state, row.state_zh)) },
        { label: t('reductions.overdue'), value: (row) => (row.days_overdue ? num(row.days_overdue) : ''), num: true },
      ],
      rows: list.reductions || [],
      page,
      pageSize: 50,
      onPage: (next) => ctx.setQuery({ ...values, page: next }),
    }),
  );
}
