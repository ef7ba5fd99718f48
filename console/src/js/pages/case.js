// One rectification case: its findings, its history, its inspection notice (PDF to download,
// HTML to read), and for a read-write session the next step (submit, verify, reopen).
import { api, describe, download } from '../api.js';
import { badge, facts, field, h, say, section, statusArea, table } from '../dom.js';
import { label, ruleTitle, t, when } from '../i18n.js';
import { caseState } from './cases.js';
import { summaryOf } from './findings.js';

function noticeLinks(c) {
  const pdfPath = `/api/v1/cases/${c.number}/notice?format=pdf`;
  const status = statusArea();
  const pdf = h(
    'a',
    {
      href: pdfPath,
      class: 'download',
      download: `notice-${c.number}.pdf`,
      onclick: async (event) => {
        // Through fetch, so that a refusal is said in the page instead of saved as a file.
        event.preventDefault();
        try {
          await download(pdfPath, `${c.doc_no || `notice-${c.number}`}.pdf`);
        } catch (error) {
          say(status, 'error', describe(error));
        }
      },
    },
    t('case.notice.pdf'),
  );
  const html = h('a', { href: `/api/v1/cases/${c.number}/notice?format=html`, target: '_blank', rel: 'noopener' }, t('case.notice.html'));
  return section(t('case.notice'), h('ul', { class: 'links' }, h('li', {}, pdf), h('li', {}, html)), status);
}

function actions(ctx, c) {
  const comment = h('textarea', { name: 'comment', rows: '3', cols: '40' });
  const status = statusArea();
  const act = (action) => async () => {
    try {
      const done = await api(`/api/v1/cases/${c.number}/${action}`, {
        method: 'POST',
        body: { by: ctx.session.name, comment: comment.value.trim() },
      });
      say(status, 'ok', t('case.done', { state: label('cases.state', done.state) }));
      setTimeout(() => ctx.alive() && ctx.rerender(), 1200);
    } catch (error) {
      say(status, 'error', describe(error));
    }
  };
  return section(
    t('case.actions'),
    h(
      'form',
      { class: 'action-form', onsubmit: (event) => event.preventDefault() },
      field(t('case.comment'), comment),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', onclick: act('submit') }, t('case.submit')),
        h('button', { type: 'button', onclick: act('verify') }, t('case.verify')),
        h('button', { type: 'button', onclick: act('reopen') }, t('case.reopen')),
      ),
      status,
    ),
  );
}

export async function render(ctx) {
  const c = await api(`/api/v1/cases/${ctx.params[0]}`);
  if (!ctx.alive()) return;
  const findings = table({
    caption: t('case.findings.caption'),
    hideCaption: true,
    rowHeader: true,
    columns: [
      { label: t('findings.rule'), value: (row) => h('a', { href: `#/findings/${encodeURIComponent(row.alert_id)}`, title: ruleTitle(row.rule) }, row.rule) },
      { label: t('severity'), value: (row) => badge(row.severity, label('severity', row.severity)) },
      { label: t('findings.person'), value: (row) => h('span', { class: 'code' }, row.person_id || '') },
      { label: t('findings.since'), value: (row) => row.since },
      { label: t('findings.summary'), value: (row) => summaryOf(row) },
      {
        label: t('findings.state'),
        value: (row) => (row.open ? badge('state-firing', t('case.open')) : badge('state-resolved', t('case.resolvedOn', { date: row.resolved_on }))),
      },
    ],
    rows: c.findings || [],
  });
  const history = table({
    caption: t('case.history.caption'),
    hideCaption: true,
    rowHeader: true,
    columns: [
      { label: t('finding.history.at'), value: (row) => when(row.at) },
      { label: t('case.action'), value: (row) => row.action },
      {
        label: t('case.fromTo'),
        value: (row) => [row.from ? label('cases.state', row.from) : '', label('cases.state', row.to)].filter(Boolean).join(' → '),
      },
      { label: t('finding.history.by'), value: (row) => row.by },
      { label: t('finding.history.comment'), value: (row) => row.comment },
    ],
    rows: c.history || [],
  });
  ctx.show(
    t('case.title', { doc_no: c.doc_no || `#${c.number}` }),
    h('p', { class: 'back' }, h('a', { href: '#/cases' }, `← ${t('case.back')}`)),
    facts([
      [t('cases.unit'), h('a', { href: `#/units/${encodeURIComponent(c.unit_id)}` }, `${c.unit_name || ''} ${c.unit_id}`.trim())],
      [t('cases.state'), caseState(c)],
      [t('cases.opened'), `${c.opened_on}${c.automatic ? ` ${t('case.automatic')}` : ''}`],
      [t('cases.deadline'), c.deadline],
      [t('cases.findings'), `${c.findings_open} / ${c.findings_total}`],
    ]),
    noticeLinks(c),
    ctx.canWrite ? actions(ctx, c) : null,
    section(t('case.findings'), findings),
    section(t('case.history'), history),
  );
}
