// "Your cases" on the queue: the cases the agent holds, as GET /agent/me lists them. After a reload, or from a second
// tab, the agent gets back to a held case in one click; each link reopens the case view (GET /cases/{id}).

import { api } from './api.js';
import { h } from './dom.js';
import { label, when } from './format.js';
import { caseLink } from './history.js';

/** The details an agent needs to tell held cases apart; nothing when the case could not be read. */
function summary(detail) {
  if (!detail) {
    return null;
  }
  const lease = detail.claimedBy && detail.leaseUntil ? ` · lease until ${when(detail.leaseUntil)}` : '';
  return h('span', { class: 'my-case-summary' },
    ` ${detail.reasons.map(label).join(', ')} · ${label(detail.target.type)} by ${detail.accusedUserId}${lease}`);
}

/** Returns { element, load() }: load() asks the gateway what the agent holds and redraws the list. */
export function myCases(ctx) {
  const list = h('ul', { class: 'my-cases' });
  const element = h('section', { class: 'panel', 'aria-labelledby': 'mine-h', hidden: true },
    h('h2', { id: 'mine-h' }, 'Your cases'),
    h('p', { class: 'hint' }, 'Cases you hold. Open one to decide, renew or release it.'),
    list);

  async function load() {
    const me = await ctx.refreshMe();
    // At most five (the gateway's limit per agent), so one read each is cheap; a failed read still leaves the link.
    const details = await Promise.all(me.claimedCases.map((id) => api.getCase(id).catch(() => null)));
    list.replaceChildren(...me.claimedCases.map((id, i) => h('li', { dataset: { caseId: id } }, caseLink(id), summary(details[i]))));
    element.hidden = me.claimedCases.length === 0;
  }

  return { element, load };
}
