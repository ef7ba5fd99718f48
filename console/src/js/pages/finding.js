// One finding: what broke, the evidence from each source system (编办, 组织部, 人社局, 财政局),
// its alert's history, and for a read-write session what can be done about it: acknowledge,
// silence, open a rectification case.
import { api, ApiError, describe } from '../api.js';
import * as cache from '../cache.js';
import { badge, clear, facts, field, h, message, say, section, select, statusArea, table, uid } from '../dom.js';
import { fieldName, fieldValue, label, ruleTitle, t, when } from '../i18n.js';
import { summaryOf } from './findings.js';
import { unitCodeLink } from './units.js';

const ROLES = ['estab', 'org', 'hr', 'finance'];

async function load(fingerprint) {
  try {
    return await api(`/api/v1/alerts/${encodeURIComponent(fingerprint)}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  // No alert (yet) for it: the open finding itself, without an alert's history.
  const open = await api(`/api/v1/findings?fingerprint=${encodeURIComponent(fingerprint)}`);
  const finding = open.findings.find((item) => item.fingerprint === fingerprint);
  return finding ? { ...finding, id: finding.fingerprint, state: '', acknowledgements: [], noAlert: true } : null;
}

function evidenceItem(item) {
  const fields = Object.entries(item.fields || {});
  const titleId = uid('ev');
  return h(
    'article',
    { class: 'evidence-item', 'aria-labelledby': titleId },
    h('h4', { id: titleId }, t('finding.evidence.record', { type: item.record_type, id: item.record_id })),
    h('p', { class: 'evidence-source' }, t('finding.evidence.from', { source: item.source })),
    fields.length
      ? h(
          'dl',
          { class: 'evidence-fields' },
          fields.map(([key, value]) =>
            h('div', {}, h('dt', { title: key }, fieldName(key)), h('dd', {}, fieldValue(key, value))),
          ),
        )
      : null,
  );
}

function evidenceSection(evidence, roles) {
  const groups = new Map([...ROLES, 'other'].map((role) => [role, []]));
  for (const item of evidence || []) {
    const role = roles.get(item.source) || (ROLES.includes(item.source) ? item.source : 'other');
    groups.get(ROLES.includes(role) ? role : 'other').push(item);
  }
  const parts = [];
  for (const [role, items] of groups) {
    if (role === 'other' && items.length === 0) continue;
    const headingId = uid('src');
    parts.push(
      h(
        'section',
        { class: `evidence-group evidence-${role}`, 'aria-labelledby': headingId },
        h('h3', { id: headingId }, label('role', role === 'other' ? 'other' : `${role}.long`), ' ', h('span', { class: 'count' }, `(${items.length})`)),
        items.length ? items.map(evidenceItem) : h('p', { class: 'muted' }, t('finding.evidence.none')),
      ),
    );
  }
  return section(t('finding.evidence'), h('div', { class: 'evidence-grid' }, parts));
}

// A field that may be a text or a list of them, as one text ('' when empty).
function listed(value) {
  if (Array.isArray(value)) return value.filter(Boolean).join(', ');
  return value ? String(value) : '';
}

function historyNode(alert) {
  const history = alert.acknowledgements || [];
  return h(
    'div',
    { class: 'history' },
    facts([
      [t('finding.firstSeen'), when(alert.first_seen)],
      [t('finding.escalatedAt'), when(alert.escalated_at)],
      [t('finding.resolvedAt'), when(alert.resolved_at)],
      [t('finding.silenced'), listed(alert.silenced_by)],
      [t('finding.heldBack'), listed(alert.held_back_by)],
    ]),
    history.length
      ? table({
          caption: t('finding.history.caption'),
          rowHeader: true,
          columns: [
            { label: t('finding.history.at'), value: (row) => when(row.at) },
            { label: t('finding.history.by'), value: (row) => row.by },
            { label: t('finding.history.caller'), value: (row) => row.caller },
            { label: t('finding.history.comment'), value: (row) => row.comment },
          ],
          rows: history,
        })
      : h('p', { class: 'muted' }, t('finding.history.none')),
  );
}

function textArea(name, required = false) {
  return h('textarea', { name, rows: '3', cols: '40', required });
}

// The three things a read-write session may do; each form says in the page how it went.
function actions(ctx, alert, onChanged) {
  const byInput = h('input', { type: 'text', name: 'by', value: ctx.session.name, autocomplete: 'name', required: true });
  const by = () => byInput.value.trim() || ctx.session.name;

  const ackComment = textArea('comment');
  const ackStatus = statusArea();
  const ackForm = h(
    'form',
    {
      class: 'action-form',
      'data-action': 'ack',
      onsubmit: async (event) => {
        event.preventDefault();
        const button = ackForm.querySelector('button');
        button.disabled = true;
        try {
          const done = await api(`/api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, {
            method: 'POST',
            body: { by: by(), comment: ackComment.value.trim() },
          });
          say(ackStatus, 'ok', t('finding.ack.done'));
          ackComment.value = '';
          onChanged(done);
        } catch (error) {
          say(ackStatus, 'error', describe(error));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h3', {}, t('finding.ack')),
    field(t('finding.ack.comment'), ackComment),
    h('button', { type: 'submit', class: 'primary' }, t('finding.ack.submit')),
    ackStatus,
  );

  const duration = select('duration', ['2h', '1d', '3d', '7d'].map((d) => [d, t(`finding.silence.${d}`)]), '1d');
  const reason = textArea('reason', true);
  const silenceStatus = statusArea();
  const silenceForm = h(
    'form',
    {
      class: 'action-form',
      'data-action': 'silence',
      onsubmit: async (event) => {
        event.preventDefault();
        const button = silenceForm.querySelector('button');
        button.disabled = true;
        try {
          const silence = await api('/api/v1/silences', {
            method: 'POST',
            body: { match: { alert_ids: [alert.id] }, duration: duration.value, reason: reason.value.trim(), author: by() },
          });
          say(silenceStatus, 'ok', t('finding.silence.done', { until: when(silence.expires_at) }));
        } catch (error) {
          say(silenceStatus, 'error', describe(error));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h3', {}, t('finding.silence')),
    field(t('finding.silence.duration'), duration),
    field(t('finding.silence.reason'), reason),
    h('button', { type: 'submit' }, t('finding.silence.submit')),
    silenceStatus,
  );

  let caseForm;
  if (alert.unit_id) {
    const deadline = h('input', { type: 'date', name: 'deadline' });
    const comment = textArea('comment');
    const caseStatus = statusArea();
    caseForm = h(
      'form',
      {
        class: 'action-form',
        'data-action': 'case',
        onsubmit: async (event) => {
          event.preventDefault();
          const button = caseForm.querySelector('button');
          button.disabled = true;
          try {
            const opened = await api('/api/v1/cases', {
              method: 'POST',
              body: {
                unit: alert.unit_id,
                findings: [alert.id],
                ...(deadline.value ? { deadline: deadline.value } : {}),
                by: by(),
                comment: comment.value.trim(),
              },
            });
            clear(caseStatus).append(
              message('ok', t('finding.case.done', { doc_no: opened.doc_no })),
              h('p', {}, h('a', { href: `#/cases/${opened.number}` }, t('finding.case.open'))),
            );
          } catch (error) {
            say(caseStatus, 'error', describe(error));
          } finally {
            button.disabled = false;
          }
        },
      },
      h('h3', {}, t('finding.case')),
      field(t('finding.case.deadline'), deadline),
      field(t('finding.case.comment'), comment),
      h('button', { type: 'submit' }, t('finding.case.submit')),
      caseStatus,
    );
  } else {
    caseForm = h('p', { class: 'muted' }, t('finding.case.noUnit'));
  }

  return section(
    t('finding.actions'),
    h('div', { class: 'by-field' }, field(t('finding.by'), byInput)),
    h('div', { class: 'action-grid' }, alert.noAlert ? null : ackForm, alert.noAlert ? null : silenceForm, caseForm),
  );
}

export async function render(ctx) {
  const fingerprint = ctx.params[0];
  const [roles, regions, alert] = await Promise.all([cache.connectorRoles(), cache.regionNames(), load(fingerprint)]);
  if (!ctx.alive()) return;
  const back = h('p', { class: 'back' }, h('a', { href: '#/findings' }, `← ${t('finding.back')}`));
  if (!alert) {
    ctx.show(t('finding.title'), back, message('error', t('finding.notFound')));
    return;
  }
  const stateBadge = alert.state ? badge(`state-${alert.state}`, label('state', alert.state)) : t('state.unknown');
  const lastAck = (alert.acknowledgements || []).at(-1);
  const summary = h(
    'div',
    { class: 'finding-head' },
    h('p', { class: 'finding-summary' }, badge(alert.severity, label('severity', alert.severity)), ' ', summaryOf(alert)),
    facts([
      [t('findings.rule'), `${alert.rule} ${ruleTitle(alert.rule)}`],
      [t('finding.state'), stateBadge],
      [t('finding.unit'), unitCodeLink(alert.unit_id)],
      [t('finding.person'), alert.person_id],
      [t('finding.region'), alert.region ? `${regions.get(alert.region) || ''} ${alert.region}`.trim() : ''],
      [t('finding.since'), alert.since],
      [t('finding.acknowledged'), lastAck ? `${lastAck.by}（${when(lastAck.at)}）` : ''],
    ]),
  );
  const historyHolder = h('div', {}, historyNode(alert));
  const headHolder = h('div', {}, summary);
  const onChanged = async () => {
    // The alert as it now is: its state and history.
    try {
      const fresh = await api(`/api/v1/alerts/${encodeURIComponent(alert.id)}`);
      if (!ctx.alive()) return;
      clear(historyHolder).appendChild(historyNode(fresh));
      const stateCell = headHolder.querySelector('.badge[class*="state-"]');
      if (stateCell) stateCell.replaceWith(badge(`state-${fresh.state}`, label('state', fresh.state)));
    } catch {
      // the form already said the action went through; a failed refresh is shown on the next visit
    }
  };
  ctx.show(
    `${t('finding.title')} · ${alert.rule}`,
    back,
    headHolder,
    // What proves it first, then what can be done about it.
    evidenceSection(alert.evidence, roles),
    ctx.canWrite ? actions(ctx, alert, onChanged) : h('p', { class: 'muted read-only-note' }, t('finding.readOnly')),
    alert.noAlert ? null : section(t('finding.history'), historyHolder),
  );
}
