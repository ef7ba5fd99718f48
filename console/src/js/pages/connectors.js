// 连接: each department system's connector, its state and last sync, and while a sync runs
// how far it has come (records read, rate, and the time left when the source says how many
// remain: the daemon's sync progress).
import { api } from '../api.js';
import { badge, h, message, table } from '../dom.js';
import { duration, label, num, t, when } from '../i18n.js';

const ROLES = ['estab', 'org', 'hr', 'finance'];
const REFRESH_MS = 5000;

function progressCell(row) {
  const progress = row.progress;
  if (!progress) return '';
  const text =
    t('connectors.progress.text', { read: num(progress.records_read), rate: num(progress.records_per_second, 1) }) +
    (progress.eta_seconds !== null && progress.eta_seconds !== undefined ? t('connectors.progress.eta', { eta: duration(progress.eta_seconds) }) : '');
  const bar = h('progress', { max: '1', 'aria-label': t('connectors.progress.label', { name: row.name }) });
  if (progress.fraction_done !== null && progress.fraction_done !== undefined) bar.value = progress.fraction_done;
  return h('div', { class: 'progress' }, bar, h('span', {}, text));
}

export async function render(ctx) {
  const answer = await api('/api/v1/connectors');
  if (!ctx.alive()) return;
  const rows = [...(answer.connectors || [])].sort(
    (a, b) => (ROLES.indexOf(a.role) + 1 || 9) - (ROLES.indexOf(b.role) + 1 || 9) || a.name.localeCompare(b.name),
  );
  const syncing = rows.some((row) => row.progress || row.state === 'syncing');
  ctx.show(
    t('connectors.title'),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => ctx.rerender() }, t('refresh')),
    ),
    syncing ? message('info', t('connectors.autoRefresh')) : null,
    table({
      caption: t('connectors.caption'),
      rowHeader: true,
      columns: [
        { label: t('connectors.name'), value: (row) => row.name },
        { label: t('connectors.role'), value: (row) => label('role', row.role) },
        { label: t('connectors.plugin'), value: (row) => row.plugin },
        { label: t('connectors.state'), value: (row) => badge(`link-${row.state}`, label('connectors.state', row.state)) },
        { label: t('connectors.lastSuccess'), value: (row) => (row.last_success ? when(row.last_success) : t('overview.never')) },
        { label: t('connectors.lastError'), value: (row) => h('span', { class: 'error-text' }, row.last_error || '') },
        { label: t('connectors.records'), value: (row) => num(row.records), num: true },
        { label: t('connectors.progress'), value: progressCell },
      ],
      rows,
    }),
  );
  // Only while a sync runs: an idle page does not keep the session alive by itself.
  if (syncing) {
    const timer = setTimeout(() => ctx.alive() && ctx.rerender(), REFRESH_MS);
    ctx.onLeave(() => clearTimeout(timer));
  }
}
