// The dashboard shell: sign-in, navigation by role, hash routing, keyboard shortcuts and the status line.
// Roles come from GET /agent/me; the view list below is what each role is offered (the gateway enforces the same
// rules on every call, so hiding a view is courtesy, not security).

import { api, onUnauthorized } from './api.js';
import { h, field, errorBox } from './dom.js';
import * as queue from './queue.js';
import * as caseView from './case.js';
import * as appeals from './appeals.js';
import * as lookup from './lookup.js';
import * as reports from './reports.js';
import * as admin from './admin.js';

const VIEWS = [
  { name: 'queue', title: 'Queue', role: 'agent', module: queue },
  { name: 'appeals', title: 'Appeals', role: 'senior', module: appeals },
  { name: 'lookup', title: 'Lookup & audit', role: 'agent', module: lookup },
  { name: 'reports', title: 'Reports', role: 'agent', module: reports },
  { name: 'admin', title: 'Admin', role: 'admin', module: admin },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const session = document.getElementById('session');
const who = document.getElementById('who');
const status = document.getElementById('status');
const shortcuts = document.getElementById('shortcuts');

let current = null; // { name, view } of the mounted view
let statusTimer = 0;

const ctx = {
  me: null,
  /** Case details handed from a claim to the case view, so it needs no second request. */
  stash: new Map(),
  has: (role) => ctx.me?.roles.includes(role) ?? false,
  /** Synchronous, so that a shortcut can act on the view it just opened (hashchange would fire later). */
  navigate(hash) {
    if (window.location.hash !== hash) {
      window.history.pushState(null, '', hash);
    }
    route();
  },
  announce(text, kind = 'info') {
    status.textContent = text;
    status.className = `status status-${kind} shown`;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => status.classList.remove('shown'), 6000);
  },
  async refreshMe() {
    ctx.me = await api.me();
    return ctx.me;
  },
  async claimNextCase() {
    if (ctx.claiming) {
      return;
    }
    ctx.claiming = true;
    try {
      const detail = await api.claimNextCase();
      if (!detail) {
        ctx.announce('No open cases to claim.');
        return;
      }
      ctx.stash.set(detail.caseId, detail);
      ctx.navigate(`#/case/${encodeURIComponent(detail.caseId)}`);
    } catch (error) {
      ctx.announce(error.message, 'error');
    } finally {
      ctx.claiming = false;
    }
  },
};

function parseHash() {
  const [path, search = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  return { name: name || 'queue', arg: rest.length ? decodeURIComponent(rest.join('/')) : null, params: new URLSearchParams(search) };
}

function allowed(view) {
  return view && ctx.has(view.role);
}

function renderNav(active) {
  nav.replaceChildren(h('ul', {}, VIEWS.filter(allowed).map((v) =>
    h('li', {}, h('a', { href: `#/${v.name}`, 'aria-current': v.name === active ? 'page' : null }, v.title)))));
}

function unmount() {
  current?.view.unmount?.();
  current = null;
}

function route() {
  if (!ctx.me) {
    return;
  }
  const { name, arg, params } = parseHash();
  unmount();
  let view;
  if (name === 'case' && arg) {
    view = caseView.mount(main, ctx, arg);
  } else {
    const entry = VIEWS.find((v) => v.name === name);
    if (!allowed(entry)) {
      // Unknown view, or one this agent's roles do not offer (e.g. appeals for a plain agent): the queue instead.
      window.history.replaceState(null, '', '#/queue');
      route();
      return;
    }
    document.title = `${entry.title} · OrleansSafety`;
    view = entry.module.mount(main, ctx, params);
  }
  current = { name, view };
  renderNav(name);
  main.querySelector('h1')?.focus();
}

/** The sign-in form; after an expired session (keepAgent) the agent id is filled in and the password focused. */
function showSignIn(message, { keepAgent = false } = {}) {
  const previousAgent = keepAgent ? ctx.me?.agentId ?? '' : '';
  unmount();
  status.classList.remove('shown');
  ctx.me = null;
  nav.hidden = true;
  session.hidden = true;
  document.title = 'Sign in · OrleansSafety';
  const agentId = field('Agent id', h('input', { name: 'agentId', autocomplete: 'username', required: true, value: previousAgent }));
  const password = field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
  const problem = h('div', {});
  const form = h('form', { class: 'panel sign-in', 'aria-labelledby': 'sign-in-h' },
    h('h1', { id: 'sign-in-h' }, 'Sign in'),
    message ? h('p', { class: 'notice', role: 'alert' }, message) : null,
    agentId.field, password.field, problem,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    try {
      await api.login(agentId.control.value.trim(), password.control.value);
      await start();
    } catch (error) {
      problem.replaceChildren(errorBox(error.status === 401 ? new Error('Unknown agent or wrong password.') : error));
      password.control.select();
    }
  });
  main.replaceChildren(form);
  (previousAgent ? password.control : agentId.control).focus();
}

async function start() {
  ctx.me = await api.me({ quiet401: true });
  who.textContent = `${ctx.me.agentId} · ${ctx.me.roles.join(', ')}`;
  nav.hidden = false;
  session.hidden = false;
  route();
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function onKeyDown(event) {
  if (!ctx.me || event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || shortcuts.open) {
    return;
  }
  const key = event.key;
  if (current?.view.onKey?.(key)) {
    event.preventDefault();
    return;
  }
  const actions = {
    n: () => ctx.claimNextCase(),
    a: () => {
      // Plain agents have no appeals view at all, so the key does nothing for them.
      if (ctx.has('senior')) {
        ctx.navigate('#/appeals');
        current?.view.onKey?.('a');
      }
    },
    q: () => ctx.navigate('#/queue'),
    u: () => ctx.navigate('#/lookup'),
    '?': () => shortcuts.showModal(),
  };
  if (actions[key]) {
    event.preventDefault();
    actions[key]();
  }
}

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await api.logout();
  } finally {
    showSignIn('You are signed out.');
  }
});
document.getElementById('show-shortcuts').addEventListener('click', () => shortcuts.showModal());
document.addEventListener('keydown', onKeyDown);
window.addEventListener('hashchange', route);
onUnauthorized(() => {
  if (ctx.me) {
    showSignIn('Your session has ended. Sign in again to continue where you were.', { keepAgent: true });
  }
});

start().catch((error) => showSignIn(error.status === 401 ? null : error.message));
