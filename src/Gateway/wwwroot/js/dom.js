// Building DOM without markup strings. Everything shown comes from the API and much of it is attacker-controlled
// (chat, comments, appeal texts, media URLs), so text only ever enters the page as text nodes: there is no
// innerHTML anywhere in the dashboard.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function applyProps(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key in el && !key.includes('-') && !(el instanceof SVGElement)) {
      el[key] = value; // properties: value, checked, disabled, hidden, type, ...
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/** h('p', { class: 'x' }, 'text', child): an HTML element; string children become text nodes. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

/** The same for SVG elements (charts). */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

let uniqueIds = 0;

/** A fresh id for label/for and aria-describedby pairs. */
export function uid(prefix) {
  uniqueIds += 1;
  return `${prefix}-${uniqueIds}`;
}

/** A labelled form control: returns { field, control }. */
export function field(labelText, control, hint) {
  control.id ||= uid('f');
  const parts = [h('label', { for: control.id }, labelText), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('span', { class: 'hint', id: hintId }, hint));
  }
  return { field: h('div', { class: 'field' }, parts), control };
}

/** A <select> of wire values with readable labels. */
export function select(values, selected, toLabel = String) {
  return h('select', {}, values.map((v) => h('option', { value: v, selected: v === selected }, toLabel(v))));
}

/** A definition list from [term, value] pairs, skipping empty values. */
export function facts(pairs, className = 'facts') {
  return h('dl', { class: className }, pairs
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

/** A table from column headers and rows of cells (cells may be nodes or text). */
export function table(caption, headers, rows, emptyText = 'None.') {
  if (rows.length === 0) {
    return h('p', { class: 'empty' }, `${caption}: ${emptyText}`);
  }
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c ?? '—'))))));
}

/** Shows an error from a failed call in a role=alert element. */
export function errorBox(error) {
  const lines = error?.fieldMessages?.length ? error.fieldMessages : [];
  return h('div', { class: 'error', role: 'alert' }, h('p', {}, error?.message ?? String(error)), lines.length ? h('ul', {}, lines.map((l) => h('li', {}, l))) : null);
}
