// Appeals, for senior agents only (the app does not even offer this view to others). A senior claims the next
// appeal, reads the user's text next to the original case and decision (reporters still aliased), and upholds or
// overturns with a response that the user will read.

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

function decideForm(detail, ctx, onDecided) {
  const response = field('Response to the user', h('textarea', { rows: 4, required: true, maxlength: '2000' }),
    'The user reads this. Explain the rule; never mention who reported them.');
  const problem = h('div', {});
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit appeal decision');
  const form = h('form', { class: 'panel decision', 'aria-labelledby': 'appeal-decision-h' },
    h('h2', { id: 'appeal-decision-h' }, 'Your decision'),
    h('fieldset', {}, h('legend', {}, 'Outcome'),
      radio('upheld', 'Uphold the sanction'),
      radio('overturned', 'Overturn: lift the sanction and remove its strike')),
    response.field, problem, submit);
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
        ctx.appeal = null; // no longer ours (lease ran out): let the senior claim again
      }
      problem.replaceChildren(errorBox(error));
      submit.disabled = false;
    }
  });
  return form;
}

function appealView(detail, ctx, onDecided) {
  const lease = detail.leaseUntil ? leaseCountdown(detail.leaseUntil, { onExpire: () => { ctx.appeal = null; } }) : null;
  const side = h('div', { class: 'col-side' },
    h('section', { class: 'panel', 'aria-labelledby': 'appeal-h' },
      h('h2', { id: 'appeal-h' }, `Appeal by ${detail.userId}`),
      lease?.element,
      h('blockquote', { class: 'appeal-text' }, detail.text),
      facts([
        ['Filed', when(detail.filedAt)],
        ['Sanction', sanctionText(detail.sanction)],
        ['Rule', label(detail.sanction.reason)],
        ['From', when(detail.sanction.startsAt)],
        ['Until', detail.sanction.endsAt ? when(detail.sanction.endsAt) : 'permanent'],
        ['Status', label(detail.status)],
      ])));
  const form = decideForm(detail, ctx, (decided) => {
    lease?.stop();
    form.replaceWith(h('section', { class: 'panel decided', 'aria-labelledby': 'appeal-done-h' },
      h('h2', { id: 'appeal-done-h' }, 'Appeal decided'),
      facts([['Outcome', label(decided.status)], ['Response', decided.response]])));
    onDecided(decided);
  });
  side.append(form);
  const element = h('div', { class: 'case-grid appeal', dataset: { appealId: detail.appealId, userId: detail.userId } },
    h('div', { class: 'col-main' }, originalCase(detail)), side);
  return { element, stop: () => lease?.stop() };
}

export function mount(main, ctx) {
  const body = h('div', {});
  const claim = h('button', { type: 'button', class: 'primary', id: 'claim-appeal', onclick: () => claimNext() }, 'Claim next appeal ', h('kbd', {}, 'A'));
  let current = null;
  main.replaceChildren(h('div', { class: 'view-head' }, h('h1', { tabindex: '-1' }, 'Appeals'), claim), body);

  function show(detail) {
    current?.stop();
    current = appealView(detail, ctx, () => {
      ctx.appeal = null;
      ctx.announce('Appeal decided.');
      claim.focus();
    });
    body.replaceChildren(current.element);
  }

  async function claimNext() {
    if (ctx.appeal) {
      ctx.announce('Decide the appeal you hold first.');
      return;
    }
    claim.disabled = true;
    try {
      const detail = await api.claimNextAppeal();
      if (!detail) {
        body.replaceChildren(h('p', { class: 'empty' }, 'No appeals are waiting for you.'));
        ctx.announce('No appeals waiting.');
        return;
      }
      ctx.appeal = detail; // kept while the page lives: the API has no way to read a claimed appeal again
      show(detail);
    } catch (error) {
      body.replaceChildren(errorBox(error));
    } finally {
      claim.disabled = false;
    }
  }

  if (ctx.appeal) {
    show(ctx.appeal);
  } else {
    body.replaceChildren(h('p', { class: 'empty' }, 'Claim the next appeal to review it.'));
  }
  return {
    unmount: () => current?.stop(),
    onKey(key) {
      if (key === 'a') {
        claimNext();
        return true;
      }
      return false;
    },
  };
}
