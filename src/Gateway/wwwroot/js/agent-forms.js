// The two agent forms of the admin view: create an agent, and change one agent (roles, access, password) from its
// row in the agent table. The gateway checks every value; these forms only spell out what it accepts.

import { api } from './api.js';
import { h, field, errorBox, uid } from './dom.js';

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

function newPassword(labelText, required) {
  return field(labelText, h('input', { type: 'password', required, minLength: 12, maxLength: 128, autocomplete: 'new-password' }),
    required ? '12 to 128 characters.' : 'Leave empty to keep the current one.');
}

/** The create form; onCreated(agent) runs after the gateway created it. */
export function createForm(onCreated) {
  const agentId = field('Agent id', h('input', { required: true, pattern: '[A-Za-z0-9._:\\-]{1,64}', autocomplete: 'off' }), 'Letters, digits and . _ : - (up to 64).');
  const password = newPassword('Initial password', true);
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
      onCreated(agent);
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  });
  return form;
}

/** Only what the admin changed goes out, so a save never rewrites roles or access by accident. */
function changesOf(agent, form, disabled, password) {
  const changes = {};
  const roles = checkedRoles(form);
  if (roles.join() !== ROLES.filter((r) => agent.roles.includes(r)).join()) {
    changes.roles = roles;
  }
  if (disabled.checked !== agent.disabled) {
    changes.disabled = disabled.checked;
  }
  if (password.value) {
    changes.password = password.value;
  }
  return changes;
}

/**
 * The form that changes one agent, filled in with its current roles and access. Returns the form element;
 * onSaved(agent) runs after the gateway accepted the changes, onCancel() when the admin closes it (Esc or Cancel).
 * `self` is true when admins edit their own account, which the gateway allows: they are warned instead.
 */
export function editForm(agent, { self = false, onSaved, onCancel }) {
  const headingId = uid('edit-h');
  const disabled = h('input', { type: 'checkbox', id: uid('disabled'), checked: agent.disabled });
  const password = newPassword('New password', false);
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'agent-edit', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, `Change ${agent.agentId}`),
    self ? h('p', { class: 'notice' }, 'This is your own account: removing admin or disabling it ends your admin access.') : null,
    h('div', { class: 'edit-fields' },
      roleBoxes(`Roles of ${agent.agentId}`, agent.roles),
      h('div', {},
        h('div', { class: 'choice' }, disabled, h('label', { for: disabled.id }, 'Disabled (cannot sign in)')),
        password.field)),
    result,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
      h('button', { type: 'button', onclick: () => onCancel() }, 'Cancel')));
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const changes = changesOf(agent, form, disabled, password.control);
    if (Object.keys(changes).length === 0) {
      result.replaceChildren(h('p', { class: 'notice' }, 'Nothing to save: change a role, the access or the password first.'));
      return;
    }
    result.replaceChildren();
    try {
      onSaved(await api.updateAgent(agent.agentId, changes));
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  });
  return form;
}
