// Admin tools: the agent table (change or disable an agent from its row), creating agents with roles, and (in the
// case view) revealing the reporters behind a case's aliases, which needs a reason and is recorded in the audit log.

import { api } from './api.js';
import { h, field, errorBox } from './dom.js';
import { agentTable } from './agents.js';
import { createForm } from './agent-forms.js';

/** Case view, admins only: the real reporter ids, for a stated reason that the audit log keeps. */
export function revealPanel(caseId) {
  const why = field('Reason (required, recorded in the audit log)', h('textarea', { rows: 2, required: true, maxlength: '1000' }));
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', {}, why.field, h('button', { type: 'submit' }, 'Reveal reporters'), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!why.control.value.trim()) {
      why.control.setCustomValidity('Say why the reporters must be revealed.');
      why.control.reportValidity();
      why.control.setCustomValidity('');
      return;
    }
    try {
      const answer = await api.revealReporters(caseId, why.control.value);
      result.replaceChildren(h('ul', { class: 'revealed' }, answer.reporters.map((r) => h('li', {}, `${r.alias} = ${r.reporterId} (flag ${r.flagId})`))));
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  });
  return h('details', { class: 'panel reveal' }, h('summary', {}, 'Reveal reporters (admin)'), form);
}

export function mount(main, ctx) {
  const agents = agentTable(ctx);
  main.replaceChildren(
    h('div', { class: 'view-head' }, h('h1', { tabindex: '-1' }, 'Admin')),
    h('div', { class: 'admin-grid' }, agents.element, createForm(() => agents.load())),
    h('p', { class: 'hint' }, 'Also for admins: the ', h('a', { href: '/dashboard' }, 'Orleans dashboard'),
      ' (cluster health) and the ', h('a', { href: '/scalar' }, 'API reference'), '. An agent’s actions are in ',
      h('a', { href: '#/lookup' }, 'Lookup & audit'), '.'));
  agents.load();
  return { unmount() {} };
}
