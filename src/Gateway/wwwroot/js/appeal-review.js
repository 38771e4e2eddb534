// One appeal under review: the user's text and the sanction, the lease with a button to give the appeal back, the
// decision form, and the original case with its decision, evidence and (still aliased) reporters.

import { api } from './api.js';
import { h, facts, field, errorBox, uid } from './dom.js';
import { label, when, sanctionText } from './format.js';
import { evidenceView, reportersView, targetFacts } from './evidence.js';
import { leaseCountdown } from './lease.js';

function radio(value, text) {
  const input = h('input', { type: 'radio', name: 'appeal-outcome', value, id: uid('appeal'), required: true });
  return h('div', { class: 'choice' }, input, h('label', { for: input.id }, text));
}

function originalCase(detail) {
  const c = detail.originalCase;
  const d = c.decision;
  return h('section', { class: 'panel', 'aria-labelledby': 'original-h' },
    h('h2', { id: 'original-h' }, `Original case ${c.caseId}`),
    d ? facts([
      ['Decision', label(d.outcome)],
      ['Rule', label(d.reason)],
      ['Decided by', d.decidedBy],
      ['Decided', when(d.decidedAt)],
      ['Agent note', d.note],
    ]) : null,
    targetFacts(c.target, c.accusedUserId),
    evidenceView(c.evidence, c.accusedUserId),
    h('h3', {}, `Reporters (${c.reporters.length})`),
    reportersView(c.reporters));
}

function appealFacts(detail) {
  return facts([
    ['Filed', when(detail.filedAt)],
    ['Sanction', sanctionText(detail.sanction)],
    ['Rule', label(detail.sanction.reason)],
    ['From', when(detail.sanction.startsAt)],
    ['Until', detail.sanction.endsAt ? when(detail.sanction.endsAt) : 'permanent'],
    ['Status', label(detail.status)],
  ]);
}

/** Returns { element, disable(message) }; onDecided(answer) after the gateway accepted, onLost() on a 409. */
function decideForm(detail, { onDecided, onLost }) {
  const response = field('Response to the user', h('textarea', { rows: 4, required: true, maxlength: '2000' }),
    'The user reads this. Explain the rule; never mention who reported them.');
  const problem = h('div', {});
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit appeal decision');
  const choices = h('fieldset', {}, h('legend', {}, 'Outcome'),
    radio('upheld', 'Uphold the sanction'),
    radio('overturned', 'Overturn: lift the sanction and remove its strike'));
  const form = h('form', { class: 'panel decision', 'aria-labelledby': 'appeal-decision-h' },
    h('h2', { id: 'appeal-decision-h' }, 'Your decision'), choices, response.field, problem, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) {
      return;
    }
    submit.disabled = true;
    problem.replaceChildren();
    try {
      onDecided(await api.decideAppeal(detail.appealId, form.elements['appeal-outcome'].value, response.control.value));
    } catch (error) {
      if (error.status === 409) {
        onLost(); // no longer ours (the lease ran out): the senior may claim again
      }
      problem.replaceChildren(errorBox(error));
      submit.disabled = false;
    }
  });
  return {
    element: form,
    disable(message) {
      for (const control of form.elements) {
        control.disabled = true;
      }
      problem.replaceChildren(h('p', { class: 'notice', role: 'alert' }, message));
    },
  };
}

/**
 * The review of one held appeal. Returns { element, stop() }. The callbacks tell the appeals view when the appeal
 * stops being the caller's: decided (onDecided), given back (onReleased), or lost to a lapsed lease (onLost).
 */
export function appealReview(detail, { onDecided, onReleased, onLost }) {
  const problem = h('div', {});
  const release = h('button', { type: 'button', onclick: () => giveBack() }, 'Release to queue');
  const form = decideForm(detail, {
    onLost,
    onDecided(decided) {
      lease.stop();
      claimLine.remove();
      form.element.replaceWith(h('section', { class: 'panel decided', 'aria-labelledby': 'appeal-done-h' },
        h('h2', { id: 'appeal-done-h' }, 'Appeal decided'),
        facts([['Outcome', label(decided.status)], ['Response', decided.response]])));
      onDecided(decided);
    },
  });
  // Created after the controls it disables: an appeal whose lease already ran out expires on the first tick.
  const lease = leaseCountdown(detail.leaseUntil, {
    onExpire() {
      release.disabled = true;
      form.disable('Your lease expired and the appeal went back to the queue.');
      onLost();
    },
  });

  async function giveBack() {
    release.disabled = true;
    problem.replaceChildren();
    try {
      await api.releaseAppeal(detail.appealId);
      lease.stop();
      onReleased();
    } catch (error) {
      if (error.status === 409) {
        onLost();
      } else {
        release.disabled = false;
      }
      problem.replaceChildren(errorBox(error));
    }
  }

  // The lease and its release button sit in the appeal's own panel, so the decision form still fits on a laptop screen.
  const claimLine = h('div', { class: 'claim-line' }, lease.element, release);
  const side = h('div', { class: 'col-side' },
    h('section', { class: 'panel', 'aria-labelledby': 'appeal-h' },
      h('h2', { id: 'appeal-h' }, `Appeal by ${detail.userId}`),
      claimLine, problem,
      h('blockquote', { class: 'appeal-text' }, detail.text),
      appealFacts(detail)),
    form.element);
  const element = h('div', { class: 'case-grid appeal', dataset: { appealId: detail.appealId, userId: detail.userId } },
    h('div', { class: 'col-main' }, originalCase(detail)), side);
  return { element, stop: () => lease.stop() };
}
