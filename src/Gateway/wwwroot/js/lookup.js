// Lookup: a user's full history, and the audit log by case, user or agent. Non-admins must filter (the gateway
// enforces it and says so); admins may list everything. Filters live in the URL (#/lookup?user=…&case=…) so that
// links from the case view land on the right query.

import { api } from './api.js';
import { h, field, errorBox, table } from './dom.js';
import { label, when } from './format.js';
import { historyView, caseLink } from './history.js';

function auditTable(entries) {
  return table('Audit entries, newest first', ['When', 'Action', 'Actor', 'Case', 'User', 'Agent', 'Appeal', 'Details'],
    entries.map((e) => [
      h('time', { datetime: e.at }, when(e.at)),
      label(e.action),
      e.actorId,
      e.caseId ? caseLink(e.caseId) : '',
      e.userId ?? '',
      e.agentId ?? '',
      e.appealId ?? '',
      Object.entries(e.details ?? {}).map(([k, v]) => `${k}: ${v}`).join('; '),
    ]), 'no entries match.');
}

export function mount(main, ctx, params) {
  const userId = field('User id', h('input', { required: true, autocomplete: 'off', value: params.get('user') ?? '' }));
  const userResult = h('div', { 'aria-live': 'polite' });
  const userForm = h('form', { class: 'panel', 'aria-labelledby': 'user-h' },
    h('h2', { id: 'user-h' }, 'User history'), h('div', { class: 'inline' }, userId.field, h('button', { type: 'submit' }, 'Look up')), userResult);

  const caseId = field('Case id', h('input', { autocomplete: 'off', value: params.get('case') ?? '' }));
  const auditUser = field('User id', h('input', { autocomplete: 'off', value: params.get('auditUser') ?? '' }));
  const agentId = field('Agent id', h('input', { autocomplete: 'off', value: params.get('agent') ?? '' }));
  const limit = field('Limit', h('input', { type: 'number', min: '1', max: '500', value: '100' }));
  const auditResult = h('div', { 'aria-live': 'polite' });
  const auditForm = h('form', { class: 'panel', 'aria-labelledby': 'audit-h' },
    h('h2', { id: 'audit-h' }, 'Audit log'),
    h('p', { class: 'hint' }, ctx.has('admin') ? 'Leave every filter empty to list everything.' : 'Filter by case, user, or your own agent id.'),
    h('div', { class: 'inline' }, caseId.field, auditUser.field, agentId.field, limit.field, h('button', { type: 'submit' }, 'Search')),
    auditResult);

  async function lookUpUser() {
    userResult.replaceChildren(h('p', {}, 'Loading…'));
    try {
      userResult.replaceChildren(historyView(await api.userHistory(userId.control.value.trim())));
    } catch (error) {
      userResult.replaceChildren(errorBox(error));
    }
  }

  async function searchAudit() {
    auditResult.replaceChildren(h('p', {}, 'Loading…'));
    try {
      const answer = await api.audit({
        caseId: caseId.control.value.trim(),
        userId: auditUser.control.value.trim(),
        agentId: agentId.control.value.trim(),
        limit: limit.control.value,
      });
      auditResult.replaceChildren(auditTable(answer.entries));
    } catch (error) {
      auditResult.replaceChildren(errorBox(error));
    }
  }

  userForm.addEventListener('submit', (event) => {
    event.preventDefault();
    lookUpUser();
  });
  auditForm.addEventListener('submit', (event) => {
    event.preventDefault();
    searchAudit();
  });

  main.replaceChildren(h('div', { class: 'view-head' }, h('h1', { tabindex: '-1' }, 'Lookup & audit')), userForm, auditForm);
  if (params.get('user')) {
    lookUpUser();
  }
  if (params.get('case') || params.get('auditUser') || params.get('agent')) {
    searchAudit();
  }
  return { unmount() {} };
}
