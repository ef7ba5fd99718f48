// 报表: the quarterly monitoring workbook (GET /api/v1/reports/quarterly?quarter=2026Q4) and the
// tenure audit (GET /api/v1/reports/tenure?unit=&from=&to=&format=json|xlsx|pdf).
import { api, describe, download, query } from '../api.js';
import * as cache from '../cache.js';
import { badge, clear, field, h, say, section, select, statusArea, table } from '../dom.js';
import { label, ruleTitle, t, yes } from '../i18n.js';
import { summaryOf } from './findings.js';

// The last eight quarters, the one under way first (a quarter that has begun may be reported).
function quarters(today) {
  const [year, month] = today.split('-').map(Number);
  let q = Math.floor((month - 1) / 3) + 1;
  let y = year;
  const out = [];
  for (let i = 0; i < 8; i += 1) {
    out.push([`${y}Q${q}`, t('reports.quarter.option', { year: y, q })]);
    q -= 1;
    if (q === 0) {
      q = 4;
      y -= 1;
    }
  }
  return out;
}

function localToday() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function quarterlyForm(asOf, regions) {
  const quarter = select('quarter', quarters(asOf), '');
  const region = select('region', [['', t('all')], ...[...regions.entries()].map(([code, name]) => [code, `${name} (${code})`])], '');
  const status = statusArea();
  const button = h('button', { type: 'submit', class: 'primary' }, t('reports.download'));
  const form = h(
    'form',
    {
      class: 'report-form',
      'data-report': 'quarterly',
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        say(status, 'info', t('reports.downloading'));
        try {
          const path = `/api/v1/reports/quarterly${query({ quarter: quarter.value, region: region.value })}`;
          const name = await download(path, `quarterly-${quarter.value}.xlsx`);
          say(status, 'ok', t('reports.downloaded', { name }));
        } catch (error) {
          say(status, 'error', describe(error));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('p', {}, t('reports.quarterly.intro')),
    h('div', { class: 'filter-row' }, field(t('reports.quarter'), quarter), field(t('reports.region'), region)),
    button,
    status,
  );
  return section(t('reports.quarterly'), form);
}

function tenureForm(asOf) {
  const unit = h('input', { type: 'text', name: 'unit', required: true, maxlength: '18', size: '20', autocomplete: 'off' });
  const from = h('input', { type: 'date', name: 'from', required: true });
  const to = h('input', { type: 'date', name: 'to', required: true, value: asOf });
  const format = select(
    'format',
    ['json', 'xlsx', 'pdf'].map((code) => [code, t(`reports.tenure.format.${code}`)]),
    'json',
  );
  const status = statusArea();
  const result = h('div', { class: 'tenure-result' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('reports.tenure.submit'));
  const form = h(
    'form',
    {
      class: 'report-form',
      'data-report': 'tenure',
      onsubmit: async (event) => {
        event.preventDefault();
        clear(result);
        button.disabled = true;
        const params = { unit: unit.value.trim().toUpperCase(), from: from.value, to: to.value, format: format.value };
        const path = `/api/v1/reports/tenure${query(params)}`;
        try {
          if (format.value === 'json') {
            clear(status);
            const report = await api(path);
            result.appendChild(tenureTable(report));
          } else {
            say(status, 'info', t('reports.downloading'));
            const name = await download(path, `tenure-${params.unit}.${format.value}`);
            say(status, 'ok', t('reports.downloaded', { name }));
          }
        } catch (error) {
          say(status, 'error', describe(error));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('p', {}, t('reports.tenure.intro')),
    h(
      'div',
      { class: 'filter-row' },
      field(t('reports.tenure.unit'), unit),
      field(t('reports.tenure.from'), from),
      field(t('reports.tenure.to'), to),
      field(t('reports.tenure.format'), format),
    ),
    button,
    status,
  );
  return section(t('reports.tenure'), form, result);
}

function tenureTable(report) {
  const unit = `${report.unit_name || ''} ${report.unit_id || ''}`.trim();
  return table({
    caption: t('reports.tenure.caption', { unit, from: report.from, to: report.to, count: report.count ?? report.spans.length }),
    rowHeader: true,
    columns: [
      { label: t('findings.rule'), value: (row) => `${row.rule} ${row.rule_title || ruleTitle(row.rule)}` },
      { label: t('severity'), value: (row) => badge(row.severity, label('severity', row.severity)) },
      { label: t('findings.person'), value: (row) => h('span', { class: 'code' }, row.person_id || '') },
      { label: t('reports.tenure.first'), value: (row) => row.first },
      { label: t('reports.tenure.last'), value: (row) => row.last },
      { label: t('reports.tenure.openAtEnd'), value: (row) => yes(row.open_at_end) },
      { label: t('findings.summary'), value: (row) => summaryOf(row) },
    ],
    rows: report.spans || [],
  });
}

export async function render(ctx) {
  const data = await cache.overview();
  const regions = await cache.regionNames();
  if (!ctx.alive()) return;
  const asOf = data.as_of || localToday();
  ctx.show(t('reports.title'), quarterlyForm(asOf, regions), tenureForm(asOf));
}
