// Building the page from plain elements: no HTML strings, so data from the API is always text.
import { t } from './i18n.js';

// h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]) -> an element.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      element.className = value;
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (key === 'value' && (tag === 'input' || tag === 'select' || tag === 'textarea')) {
      element.value = value;
    } else if (value === true) {
      element.setAttribute(key, '');
    } else {
      element.setAttribute(key, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child instanceof Node) {
      element.appendChild(child);
    } else {
      element.appendChild(document.createTextNode(String(child)));
    }
  }
}

export function clear(element) {
  while (element.firstChild) element.removeChild(element.firstChild);
  return element;
}

let ids = 0;
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

// A labelled form control: <div class="field"><label for=id>…</label><control id=id></div>.
export function field(labelText, control, hint) {
  if (!control.id) control.id = uid('field');
  const parts = [h('label', { for: control.id }, labelText), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

// <select> of [value, text] pairs with `selected` chosen.
export function select(name, options, selected = '') {
  return h(
    'select',
    { name },
    options.map(([value, text]) => h('option', { value, selected: String(value) === String(selected) }, text)),
  );
}

// A message in the page: role=alert for errors (read out at once), role=status otherwise.
export function message(kind, text) {
  return h('p', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// Where a form or a page says how its request went.
export function statusArea() {
  return h('div', { class: 'status-area', 'aria-live': 'polite' });
}

export function say(area, kind, text) {
  clear(area).appendChild(message(kind, text));
}

export function badge(kind, text) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

// A table with a caption, column headers (scope=col) and the first cell of each row as a row
// header (scope=row) when `rowHeader` is set. columns: [{label, value(row) -> Node|text, num}].
export function table({ caption, columns, rows, rowHeader = false, className = '', hideCaption = false }) {
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      columns.map((column) => h('th', { scope: 'col', class: column.num ? 'num' : undefined }, column.label)),
    ),
  );
  const body = h(
    'tbody',
    {},
    rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, t('table.empty')))
      : rows.map((row) =>
          h(
            'tr',
            {},
            columns.map((column, index) => {
              const content = column.value(row);
              const attrs = { class: column.num ? 'num' : undefined };
              if (rowHeader && index === 0) return h('th', { ...attrs, scope: 'row' }, content);
              return h('td', attrs, content);
            }),
          ),
        ),
  );
  return h(
    'div',
    { class: `table-wrap ${className}` },
    h('table', {}, h('caption', { class: hideCaption ? 'visually-hidden' : undefined }, caption), head, body),
  );
}

// A table shown page by page, with a pager that calls onPage(n) (real buttons; the text says
// where one is). `rows` are all the rows, or, with `total`, only those of `page` (1-based) out
// of `total` (the daemon paged them).
export function pagedTable({ caption, columns, rows, total, page, pageSize = 50, onPage, rowHeader = false, hideCaption = false }) {
  const count = total ?? rows.length;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const current = Math.min(Math.max(1, page || 1), pages);
  const shown = total === undefined ? rows.slice((current - 1) * pageSize, current * pageSize) : rows;
  const wrap = h('div', { class: 'paged' }, table({ caption, columns, rows: shown, rowHeader, hideCaption }));
  if (count > pageSize) {
    wrap.appendChild(
      h(
        'nav',
        { class: 'pager', 'aria-label': t('table.pager') },
        h('button', { type: 'button', disabled: current <= 1, onclick: () => onPage(current - 1) }, t('table.prev')),
        h('span', { class: 'pager-text' }, t('table.page', { page: current, pages, count })),
        h('button', { type: 'button', disabled: current >= pages, onclick: () => onPage(current + 1) }, t('table.next')),
      ),
    );
  } else if (count > 0) {
    wrap.appendChild(h('p', { class: 'pager-text' }, t('table.page', { page: 1, pages: 1, count })));
  }
  return wrap;
}

// A definition list of [term, description] pairs, the empty descriptions left out.
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value !== '' && value !== null && value !== undefined)
      .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

export function section(title, ...children) {
  const id = uid('sec');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}

// A filter form of one select (a list's state): applying it puts the select's value in the page's query.
export function singleFilter(ctx, labelText, control) {
  return h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        ctx.setQuery({ [control.name]: control.value });
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('findings.filters')),
      h('div', { class: 'filter-row' }, field(labelText, control)),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('findings.apply'))),
    ),
  );
}
