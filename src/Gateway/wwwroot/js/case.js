// The case view: evidence and reporters on the left; the claim (lease, renew, release), the decision and the
// accused's history on the right. A case the caller does not hold is shown read-only.

import { api } from './api.js';
import { h, facts, errorBox } from './dom.js';
import { label, when, sanctionText } from './format.js';
import { evidenceView, reportersView, targetFacts } from './evidence.js';
import { historyView } from './history.js';
import { leaseCountdown } from './lease.js';
import { decisionForm } from './decision.js';
import { revealPanel } from './admin.js';

function decisionFacts(decision) {
  return facts([
    ['Outcome', label(decision.outcome)],
    ['Rule', label(decision.reason)],
    ['Sanction', decision.sanction ? sanctionText(decision.sanction) : 'none'],
    ['Ends', decision.sanction?.endsAt ? when(decision.sanction.endsAt) : null],
    ['Decided by', decision.decidedBy],
    ['Decided', when(decision.decidedAt)],
    ['Note', decision.note],
    ['Overturned on appeal', decision.overturned ? 'yes' : null],
  ]);
}

function section(title, id, ...children) {
  return h('section', { 'aria-labelledby': id, class: 'panel' }, h('h2', { id }, title), ...children);
}

async function accusedHistory(userId, caseId, container) {
  try {
    container.replaceChildren(historyView(await api.userHistory(userId), { excludeCaseId: caseId }));
  } catch (error) {
    container.replaceChildren(errorBox(error));
  }
}

/** The claim panel: lease countdown with renew and release. Returns { element, renew(), stop() }. */
function claimPanel(detail, ctx, onExpire) {
  const lease = leaseCountdown(detail.leaseUntil, { onExpire });
  const problem = h('div', {});
  const renewButton = h('button', { type: 'button', onclick: () => renew() }, 'Renew lease ', h('kbd', {}, 'R'));
  const releaseButton = h('button', { type: 'button', onclick: () => release() }, 'Release to queue');

  let stopped = false;

  async function renew() {
    if (stopped) {
      return; // decided: there is no lease left to renew
    }
    problem.replaceChildren();
    try {
      const answer = await api.renewLease(detail.caseId);
      lease.setLeaseUntil(answer.leaseUntil);
      ctx.announce(`Lease renewed until ${when(answer.leaseUntil)}.`);
    } catch (error) {
      problem.replaceChildren(errorBox(error));
    }
  }

  async function release() {
    try {
      await api.releaseCase(detail.caseId);
      ctx.announce('Case released to the queue.');
      ctx.navigate('#/queue');
    } catch (error) {
      problem.replaceChildren(errorBox(error));
    }
  }

  const element = h('section', { class: 'panel claim', 'aria-labelledby': 'claim-h' },
    h('h2', { id: 'claim-h' }, 'Your claim'), lease.element, h('div', { class: 'actions' }, renewButton, releaseButton), problem);
  return {
    element,
    renew,
    stop() {
      stopped = true;
      lease.stop();
    },
  };
}

function decidedPanel(decision, ctx) {
  const next = h('button', { type: 'button', class: 'primary', id: 'claim-next', onclick: () => ctx.claimNextCase() }, 'Claim next case ', h('kbd', {}, 'N'));
  const panel = h('section', { class: 'panel decided', 'aria-labelledby': 'decided-h' },
    h('h2', { id: 'decided-h' }, 'Decision recorded'), decisionFacts(decision),
    h('div', { class: 'actions' }, next, h('a', { href: '#/queue' }, 'Back to the queue')));
  requestAnimationFrame(() => next.focus());
  return panel;
}

function render(main, detail, ctx) {
  const held = detail.status === 'claimed' && detail.claimedBy === ctx.me.agentId;
  const side = h('div', { class: 'col-side' });
  const history = h('div', {}, h('p', { class: 'empty' }, 'Loading…'));
  let claim = null;

  if (held) {
    let form = null;
    claim = claimPanel(detail, ctx, () => form?.disable('Your lease expired and the case went back to the queue. Claim it again to decide it.'));
    form = decisionForm(detail, {
      onDecided(decision) {
        claim.stop();
        claim.element.replaceWith(decidedPanel(decision, ctx));
        form.element.remove();
        const tag = main.querySelector('.view-head .tag');
        tag.textContent = 'resolved';
        tag.className = 'tag status-resolved';
        ctx.announce('Decision recorded.');
        accusedHistory(detail.accusedUserId, detail.caseId, history);
      },
    });
    side.append(claim.element, form.element);
  } else if (detail.decision) {
    side.append(section('Decision', 'decision-h', decisionFacts(detail.decision)));
  } else {
    side.append(section('Status', 'status-h', facts([
      ['Status', label(detail.status)],
      ['Held by', detail.claimedBy],
      ['Lease until', detail.leaseUntil ? when(detail.leaseUntil) : null],
    ]), h('p', { class: 'hint' }, 'Read only: cases are taken with “Claim next case”, never picked.')));
  }
  side.append(section(`History of ${detail.accusedUserId}`, 'history-h', history));
  if (ctx.has('admin')) {
    side.append(revealPanel(detail.caseId));
  }

  main.replaceChildren(
    h('div', { class: 'view-head' },
      h('h1', { tabindex: '-1' }, `Case ${detail.caseId}`),
      h('span', { class: `tag status-${detail.status}` }, label(detail.status)),
      h('span', { class: 'meta' }, `priority ${detail.priority.toFixed(1)} · opened ${when(detail.createdAt)} · `,
        h('a', { href: `#/lookup?case=${encodeURIComponent(detail.caseId)}` }, 'audit trail'))),
    h('div', { class: 'case-grid', dataset: { caseId: detail.caseId, accused: detail.accusedUserId } },
      h('div', { class: 'col-main' },
        section('Evidence', 'evidence-h', targetFacts(detail.target, detail.accusedUserId),
          h('p', { class: 'reasons' }, 'Reported for: ', detail.reasons.map(label).join(', ')),
          evidenceView(detail.evidence, detail.accusedUserId)),
        section(`Reporters (${detail.reporters.length})`, 'reporters-h', reportersView(detail.reporters))),
      side));
  accusedHistory(detail.accusedUserId, detail.caseId, history);
  return claim;
}

export function mount(main, ctx, caseId) {
  let claim = null;
  let gone = false;
  main.replaceChildren(h('h1', { tabindex: '-1' }, `Case ${caseId}`), h('p', {}, 'Loading…'));
  const stashed = ctx.stash.get(caseId);
  ctx.stash.delete(caseId);
  (stashed ? Promise.resolve(stashed) : api.getCase(caseId))
    .then((detail) => {
      if (!gone) {
        claim = render(main, detail, ctx);
        main.querySelector('h1')?.focus();
      }
    })
    .catch((error) => {
      if (!gone) {
        main.replaceChildren(h('h1', { tabindex: '-1' }, `Case ${caseId}`), errorBox(error));
      }
    });
  return {
    unmount() {
      gone = true;
      claim?.stop();
    },
    onKey(key) {
      if (key === 'r' && claim) {
        claim.renew();
        return true;
      }
      return false;
    },
  };
}
