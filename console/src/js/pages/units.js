// 单位: units found by credit code or a part of the name, paged by the daemon
// (GET /api/v1/units?q=&limit=&offset=); each leads to its page (#/units/<code>).
import { api, query } from '../api.js';
import { field, h, pagedTable } from '../dom.js';
import { label, t } from '../i18n.js';

const PAGE_SIZE = 50;

// A link to a unit's page: its name (or its code when the name is not known), the code beside.
export function unitLink(unitId, name = '') {
  if (!unitId) return '';
  const href = `#/units/${encodeURIComponent(unitId)}`;
  if (!name || name === unitId) return h('a', { href, class: 'code nowrap' }, unitId);
  return h('span', {}, h('a', { href }, name), h('br'), h('span', { class: 'code muted' }, unitId));
}

// A unit's code alone as a link to its page (in tables where the column is the code).
export function unitCodeLink(unitId) {
  if (!unitId) return '';
  return h('a', { href: `#/units/${encodeURIComponent(unitId)}`, class: 'code nowrap' }, unitId);
}

export async function render(ctx) {
  const q = (ctx.query.get('q') || '').trim();
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  const answer = await api(`/api/v1/units${query({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
  if (!ctx.alive()) return;
  const input = h('input', {
    type: 'search',
    name: 'q',
    value: q,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '100',
    size: '32',
  });
  const form = h(
    'form',
    {
      class: 'filters unit-search',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        ctx.setQuery({ q: input.value.trim() });
      },
    },
    h(
      'div',
      { class: 'filter-row' },
      field(t('units.search'), input, t('units.search.hint')),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('units.submit'))),
    ),
  );
  const total = answer.total ?? answer.units.length;
  ctx.show(
    t('units.title'),
    form,
    h('p', { class: 'result-count', role: 'status' }, q ? t('units.countFor', { q, count: total }) : t('units.count', { count: total })),
    pagedTable({
      caption: t('units.caption'),
      hideCaption: true,
      rowHeader: true,
      columns: [
        { label: t('units.name'), value: (row) => h('a', { href: `#/units/${encodeURIComponent(row.unit_id)}` }, row.name || row.unit_id) },
        { label: t('units.code'), value: (row) => h('span', { class: 'code nowrap' }, row.unit_id) },
        { label: t('units.region'), value: (row) => row.region_name || row.region },
        { label: t('units.kind'), value: (row) => label('unitKind', row.kind) },
      ],
      rows: answer.units || [],
      total,
      page,
      pageSize: PAGE_SIZE,
      onPage: (next) => ctx.setQuery({ q, page: next }),
    }),
  );
}
