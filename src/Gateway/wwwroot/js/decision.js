// The decision form of a claimed case. The sanction starts as the ladder's suggestion (the case's
// suggestedSanction, computed by the gateway from the accused's strikes) and the agent may change it. What the form
// shows is what is sent: the sanction always goes out explicitly, so a strike added elsewhere meanwhile cannot
// silently make it harsher.

import { api } from './api.js';
import { h, field, select, errorBox, uid } from './dom.js';
import { label, REASONS, SANCTIONS, sanctionText } from './format.js';

const UNITS = [['days', 1440], ['hours', 60], ['minutes', 1]];
const TIMED = new Set(['mute', 'suspension']);

function splitMinutes(total) {
  const [unit, size] = UNITS.find(([, size]) => total % size === 0) ?? UNITS[2];
  return { amount: total / size, unit, size };
}

function radio(name, value, text) {
  const input = h('input', { type: 'radio', name, value, id: uid(name), required: true });
  return h('div', { class: 'choice' }, input, h('label', { for: input.id }, text));
}

/** Returns { element, disable(message) }. onDecided(decision) runs after the gateway accepted the decision. */
export function decisionForm(detail, { onDecided }) {
  const suggested = detail.suggestedSanction ?? { kind: 'warning' };
  const outcome = h('fieldset', { class: 'outcome' }, h('legend', {}, 'Outcome'),
    radio('outcome', 'violation', 'Violation'),
    radio('outcome', 'no_violation', 'No violation'));
  const reason = field('Rule broken', select(REASONS, detail.reasons[0] ?? 'other', label));
  const kind = field('Sanction', select(SANCTIONS, suggested.kind, label));
  const amount = field('Duration', h('input', { type: 'number', min: '1', step: '1', inputMode: 'numeric', class: 'amount' }));
  const unit = select(UNITS.map(([name]) => name), 'days');
  unit.setAttribute('aria-label', 'Duration unit');
  const suggestion = h('p', { class: 'hint suggestion' }, `Ladder suggests: ${sanctionText(suggested)}.`,
    h('button', { type: 'button', class: 'link', onclick: () => applySanction(suggested) }, 'Use suggestion'));
  const durationRow = h('div', { class: 'duration' }, amount.field, unit);
  const sanction = h('fieldset', { class: 'sanction' }, h('legend', {}, 'Sanction'), suggestion, kind.field, durationRow);
  const note = field('Note (for the audit log; not shown to the user)', h('textarea', { rows: 2, maxlength: '2000' }));
  const problem = h('div', {});
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit decision');
  const form = h('form', { class: 'panel decision', 'aria-labelledby': 'decision-h' },
    h('h2', { id: 'decision-h' }, 'Decision'), outcome, reason.field, sanction, note.field, problem, submit);

  function applySanction(spec) {
    kind.control.value = spec.kind;
    const parts = splitMinutes(spec.durationMinutes ?? 1440);
    amount.control.value = String(parts.amount);
    unit.value = parts.unit;
    syncDuration();
  }

  // Warnings and bans have no duration: the duration controls are hidden rather than left showing a stale value.
  function syncDuration() {
    const timed = TIMED.has(kind.control.value);
    durationRow.hidden = !timed;
    amount.control.required = timed;
  }

  function syncOutcome() {
    sanction.disabled = form.elements.outcome.value !== 'violation';
  }

  kind.control.addEventListener('change', syncDuration);
  outcome.addEventListener('change', syncOutcome);
  applySanction(suggested);
  syncOutcome();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) {
      return;
    }
    const chosen = form.elements.outcome.value;
    const body = { outcome: chosen, reason: reason.control.value };
    if (chosen === 'violation') {
      body.sanction = { kind: kind.control.value };
      if (TIMED.has(body.sanction.kind)) {
        const size = UNITS.find(([name]) => name === unit.value)[1];
        body.sanction.durationMinutes = Number(amount.control.value) * size;
      }
    }
    if (note.control.value.trim()) {
      body.note = note.control.value;
    }
    submit.disabled = true;
    problem.replaceChildren();
    try {
      onDecided(await api.decideCase(detail.caseId, body));
    } catch (error) {
      problem.replaceChildren(errorBox(error.status === 409
        ? new Error(`${error.message} Reload the case or claim the next one.`)
        : error));
      submit.disabled = false;
    }
  });

  return {
    element: form,
    disable(message) {
      for (const control of form.elements) {
        control.disabled = true;
      }
      problem.replaceChildren(h('p', { class: 'error', role: 'alert' }, message));
    },
  };
}
