// The transparency report for a date range: counts by reason, outcome and sanction, the median time to a decision,
// and appeals with their overturn rate, each count drawn as a small chart beside its table.

import { api } from './api.js';
import { h, field, facts, errorBox, table } from './dom.js';
import { duration, label, percent } from './format.js';
import { barChart } from './chart.js';

const DAY_MS = 86_400_000;

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function breakdown(title, counts) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return h('figure', { class: 'panel breakdown' },
    h('figcaption', {}, title),
    entries.length ? barChart(title, entries) : null,
    table(title, ['Value', 'Count'], entries.map(([k, v]) => [label(k), String(v)]), 'nothing in this period.'));
}

export function mount(main) {
  const today = new Date();
  const from = field('From (inclusive)', h('input', { type: 'date', required: true, value: isoDay(new Date(today.getTime() - 29 * DAY_MS)) }));
  const to = field('To (inclusive)', h('input', { type: 'date', required: true, value: isoDay(today) }));
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel inline' }, from.field, to.field, h('button', { type: 'submit', class: 'primary' }, 'Show report'));

  async function load() {
    // Whole UTC days: "to" is inclusive in the form and exclusive in the API, hence the day added.
    const start = `${from.control.value}T00:00:00Z`;
    const end = new Date(Date.parse(`${to.control.value}T00:00:00Z`) + DAY_MS).toISOString();
    result.replaceChildren(h('p', {}, 'Loading…'));
    try {
      const report = await api.transparency(start, end);
      const flags = Object.values(report.flagsByReason).reduce((a, b) => a + b, 0);
      result.replaceChildren(
        facts([
          ['Flags', String(flags)],
          ['Median time to decision', report.medianSecondsToDecision === undefined || report.medianSecondsToDecision === null ? '—' : duration(report.medianSecondsToDecision)],
          ['Appeals filed', String(report.appealsFiled)],
          ['Appeals decided', String(report.appealsDecided)],
          ['Overturned', String(report.appealsOverturned)],
          ['Overturn rate', percent(report.overturnRate)],
        ], 'facts counts-list'),
        h('div', { class: 'charts' },
          breakdown('Flags by reason', report.flagsByReason),
          breakdown('Decisions by outcome', report.decisionsByOutcome),
          breakdown('Sanctions by kind', report.sanctionsByKind)));
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  main.replaceChildren(h('div', { class: 'view-head' }, h('h1', { tabindex: '-1' }, 'Transparency report')), form, result);
  load();
  return { unmount() {} };
}
