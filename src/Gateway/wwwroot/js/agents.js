// The admin's agent table (GET /agents): every agent with roles, access and what they hold. Each row has a Change
// button that opens the edit form right below the row, so the form follows its button in the focus order.

import { api } from './api.js';
import { h, field, errorBox } from './dom.js';
import { when } from './format.js';
import { caseLink, shortId } from './history.js';
import { editForm } from './agent-forms.js';

const COLUMNS = ['Agent', 'Roles', 'Access', 'Holds', 'Created', 'Actions'];

function holds(agent) {
  const cases = agent.claimedCases.map((id) => caseLink(id));
  const appeals = agent.claimedAppeals.map((id) => h('span', { title: id, 'aria-label': `appeal ${id}` }, shortId(id)));
  if (cases.length + appeals.length === 0) {
    return 'nothing';
  }
  return h('ul', { class: 'holds' }, [...cases, ...appeals].map((item) => h('li', {}, item)));
}

/** Returns { element, load() }. ctx.announce tells about saves; the admin's filter is kept across reloads. */
export function agentTable(ctx) {
  const filter = field('Filter by agent id', h('input', { type: 'search', autocomplete: 'off' }));
  const refresh = h('button', { type: 'button', onclick: () => load() }, 'Refresh');
  const tbody = h('tbody', {});
  const count = h('span', { class: 'updated' });
  const problem = h('div', {});
  const element = h('section', { class: 'panel agents', 'aria-labelledby': 'agents-h' },
    h('h2', { id: 'agents-h' }, 'Agents'),
    h('div', { class: 'inline' }, filter.field, refresh),
    problem,
    h('table', { class: 'agent-table' },
      h('caption', {}, 'Agents by id ', count),
      h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
      tbody));

  let agents = [];
  let editing = null; // agent id whose edit form is open

  function close(agentId) {
    editing = null;
    render();
    tbody.querySelector(`tr[data-agent-id="${CSS.escape(agentId)}"] button.edit`)?.focus();
  }

  function row(agent) {
    const open = editing === agent.agentId;
    const formId = `edit-${agent.agentId}`;
    const edit = h('button', {
      type: 'button', class: 'edit', 'aria-expanded': String(open), 'aria-controls': open ? formId : null,
      'aria-label': `Change ${agent.agentId}`,
      onclick: () => (open ? close(agent.agentId) : openEditor(agent.agentId)),
    }, 'Change');
    const rows = [h('tr', { dataset: { agentId: agent.agentId }, class: agent.disabled ? 'is-disabled' : null },
      h('th', { scope: 'row' }, agent.agentId),
      h('td', {}, agent.roles.join(', ')),
      h('td', {}, agent.disabled ? 'disabled' : 'active'),
      h('td', {}, holds(agent)),
      h('td', {}, h('time', { datetime: agent.createdAt }, when(agent.createdAt))),
      h('td', {}, edit))];
    if (open) {
      const form = editForm(agent, {
        self: agent.agentId === ctx.me.agentId,
        onCancel: () => close(agent.agentId),
        onSaved(saved) {
          agents = agents.map((a) => (a.agentId === saved.agentId ? saved : a));
          ctx.announce(`Saved the changes to ${saved.agentId}.`);
          close(saved.agentId);
        },
      });
      form.id = formId;
      rows.push(h('tr', { class: 'editor-row' }, h('td', { colspan: String(COLUMNS.length) }, form)));
    }
    return rows;
  }

  function openEditor(agentId) {
    editing = agentId;
    render();
    tbody.querySelector('.editor-row input')?.focus();
  }

  function render() {
    const wanted = filter.control.value.trim().toLowerCase();
    const shown = agents.filter((a) => a.agentId.toLowerCase().includes(wanted));
    count.textContent = `· ${shown.length} of ${agents.length}`;
    tbody.replaceChildren(...(shown.length
      ? shown.flatMap(row)
      : [h('tr', {}, h('td', { colspan: String(COLUMNS.length), class: 'empty' }, agents.length ? 'No agent matches the filter.' : 'No agents.'))]));
  }

  async function load() {
    problem.replaceChildren();
    try {
      const answer = await api.listAgents();
      agents = answer.agents.toSorted((a, b) => a.agentId.localeCompare(b.agentId));
      render();
    } catch (error) {
      problem.replaceChildren(errorBox(error));
    }
  }

  filter.control.addEventListener('input', render);
  return { element, load };
}
