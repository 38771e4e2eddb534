// Admin tools: create agents with roles, change or disable them, and (in the case view) reveal the reporters
// behind a case's aliases, which needs a reason and is recorded in the audit log.

import { api } from './api.js';
import { h, field, errorBox, facts, uid } from './dom.js';

const ROLES = ['agent', 'senior', 'admin'];

function roleBoxes(legend, checked) {
  const boxes = ROLES.map((role) => {
    const input = h('input', { type: 'checkbox', name: 'roles', value: role, id: uid(role), checked: checked.includes(role) });
    return h('div', { class: 'choice' }, input, h('label', { for: input.id }, role));
  });
  return h('fieldset', { class: 'roles' }, h('legend', {}, legend), boxes,
    h('p', { class: 'hint' }, 'Senior includes agent; admin includes both.'));
}

function checkedRoles(form) {
  return [...form.querySelectorAll('input[name=roles]:checked')].map((i) => i.value);
}

function createForm() {
  const agentId = field('Agent id', h('input', { required: true, pattern: '[A-Za-z0-9._:\\-]{1,64}', autocomplete: 'off' }), 'Letters, digits and . _ : - (up to 64).');
  const password = field('Initial password', h('input', { type: 'password', required: true, minLength: 12, maxLength: 128, autocomplete: 'new-password' }), '12 to 128 characters.');
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', 'aria-labelledby': 'create-h' },
    h('h2', { id: 'create-h' }, 'Create an agent'), agentId.field, password.field, roleBoxes('Roles', ['agent']), result,
    h('button', { type: 'submit', class: 'primary' }, 'Create agent'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    try {
      const agent = await api.createAgent(agentId.control.value, password.control.value, checkedRoles(form));
      result.replaceChildren(h('p', { class: 'ok' }, `Created ${agent.agentId} with roles ${agent.roles.join(', ')}.`));
      form.reset();
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  });
  return form;
}

function updateForm() {
  const agentId = field('Agent id', h('input', { required: true, autocomplete: 'off' }));
  const changeRoles = h('input', { type: 'checkbox', id: uid('change-roles') });
  const roles = roleBoxes('New roles', ['agent']);
  const access = field('Access', h('select', {},
    h('option', { value: '' }, 'unchanged'), h('option', { value: 'disable' }, 'disable (cannot sign in)'), h('option', { value: 'enable' }, 'enable')));
  const password = field('New password', h('input', { type: 'password', minLength: 12, maxLength: 128, autocomplete: 'new-password' }), 'Leave empty to keep the current one.');
  const result = h('div', { 'aria-live': 'polite' });
  roles.disabled = true;
  changeRoles.addEventListener('change', () => {
    roles.disabled = !changeRoles.checked;
  });
  const form = h('form', { class: 'panel', 'aria-labelledby': 'update-h' },
    h('h2', { id: 'update-h' }, 'Change an agent'), agentId.field,
    h('div', { class: 'choice' }, changeRoles, h('label', { for: changeRoles.id }, 'Change roles')), roles,
    access.field, password.field, result, h('button', { type: 'submit' }, 'Save changes'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const changes = {};
    if (changeRoles.checked) {
      changes.roles = checkedRoles(form);
    }
    if (access.control.value) {
      changes.disabled = access.control.value === 'disable';
    }
    if (password.control.value) {
      changes.password = password.control.value;
    }
    result.replaceChildren();
    try {
      const agent = await api.updateAgent(agentId.control.value, changes);
      result.replaceChildren(facts([
        ['Agent', agent.agentId], ['Roles', agent.roles.join(', ')], ['Disabled', agent.disabled ? 'yes' : 'no'],
        ['Holds', [...agent.claimedCases, ...agent.claimedAppeals].join(', ') || 'nothing']]));
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  });
  return form;
}

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

export function mount(main) {
  main.replaceChildren(
    h('div', { class: 'view-head' }, h('h1', { tabindex: '-1' }, 'Admin')),
    h('div', { class: 'two-col' }, createForm(), updateForm()),
    h('p', { class: 'hint' }, 'Also for admins: the ', h('a', { href: '/dashboard' }, 'Orleans dashboard'),
      ' (cluster health) and the ', h('a', { href: '/scalar' }, 'API reference'), '. An agent’s actions are in ',
      h('a', { href: '#/lookup' }, 'Lookup & audit'), '.'));
  return { unmount() {} };
}
