// The queue view: counts, the oldest open case's age and the top cases, refreshed every 2 seconds without reloads.
//
// Polling rather than SignalR: the queue is one cheap GET answered by a stateless worker grain, 2 s is fresher than an
// agent needs, it works through any proxy, and it needs no server code beyond the API that already exists.

import { api } from './api.js';
import { h, facts } from './dom.js';
import { age, duration, label } from './format.js';
import { myCases } from './my-cases.js';

const POLL_MS = 2000;

function row(item, me) {
  const mine = item.claimedBy === me;
  let status = label(item.status);
  if (item.claimedBy) {
    status = mine ? 'claimed by you' : `claimed by ${item.claimedBy}`;
  }
  return h('tr', { dataset: { caseId: item.caseId }, class: [item.status === 'claimed' && 'is-claimed', mine && 'is-mine'] },
    h('td', { class: 'num' }, item.priority.toFixed(1)),
    h('td', {}, label(item.topReason)),
    h('td', {}, label(item.targetType)),
    h('td', { class: 'accused' }, item.accusedUserId),
    h('td', { class: 'num' }, String(item.reporters)),
    h('td', { title: item.createdAt }, age(item.createdAt)),
    h('td', {}, mine ? h('a', { href: `#/case/${encodeURIComponent(item.caseId)}`, 'aria-label': `Resume case ${item.caseId}` }, 'yours: resume') : status));
}

export function mount(main, ctx) {
  const counts = h('div', { class: 'counts' });
  const updated = h('p', { class: 'updated', 'aria-live': 'off' });
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  const tbody = h('tbody', {});
  const mine = myCases(ctx);

  main.replaceChildren(
    h('div', { class: 'view-head' },
      h('h1', { tabindex: '-1' }, 'Queue'),
      h('button', { type: 'button', class: 'primary', id: 'claim-next', onclick: () => ctx.claimNextCase() }, 'Claim next case ', h('kbd', {}, 'N'))),
    counts, problem, mine.element,
    h('table', { class: 'queue' },
      h('caption', {}, 'Top cases, highest priority first ', updated),
      h('thead', {}, h('tr', {}, ['Priority', 'Reason', 'Target', 'Accused', 'Reporters', 'Age', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody));

  let lastJson = '';
  function render(queue) {
    counts.replaceChildren(facts([
      ['Open', String(queue.open)],
      ['Claimed', String(queue.claimed)],
      ['Oldest open', queue.open ? duration(queue.oldestOpenAgeSeconds) : '—'],
    ], 'facts counts-list'));
    document.title = `(${queue.open}) Queue · OrleansSafety`;
    updated.textContent = `· updated ${new Date().toLocaleTimeString()}`;
    const json = JSON.stringify(queue.items);
    if (json === lastJson) {
      return; // nothing moved: leave the rows (and any focus inside them) alone
    }
    lastJson = json;
    const focusedCase = document.activeElement?.closest?.('tr')?.dataset.caseId;
    tbody.replaceChildren(...(queue.items.length
      ? queue.items.map((item) => row(item, ctx.me.agentId))
      : [h('tr', {}, h('td', { colspan: '7', class: 'empty' }, 'The queue is empty.'))]));
    if (focusedCase) {
      tbody.querySelector(`tr[data-case-id="${CSS.escape(focusedCase)}"] a`)?.focus();
    }
  }

  let stopped = false;
  let timer = 0;
  let inFlight = null;

  async function poll() {
    timer = 0;
    if (stopped || document.hidden) {
      return; // a hidden tab stops polling; visibilitychange starts it again
    }
    inFlight = new AbortController();
    try {
      render(await api.queue(inFlight.signal));
      problem.hidden = true;
    } catch (error) {
      if (error.name === 'AbortError' || stopped) {
        return;
      }
      problem.textContent = `Could not refresh the queue (${error.message}); retrying.`;
      problem.hidden = false;
    } finally {
      inFlight = null;
    }
    if (!stopped) {
      timer = setTimeout(poll, POLL_MS);
    }
  }

  function onVisibility() {
    if (!document.hidden && !timer && !inFlight) {
      poll();
    }
  }

  document.addEventListener('visibilitychange', onVisibility);
  poll();
  mine.load().catch(() => {}); // the list is a convenience: the queue itself works without it

  return {
    unmount() {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
