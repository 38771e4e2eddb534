// Appeals, for senior agents only (the app does not even offer this view to others). A senior claims the next
// appeal, reads the user's text next to the original case and decision (reporters still aliased), and upholds or
// overturns with a response that the user will read, or gives the appeal back to the queue.
//
// The page keeps no appeal of its own: on every visit (and so after a reload) GET /agent/me says which appeals the
// senior holds and GET /appeals/{id} brings the first one back on screen.

import { api } from './api.js';
import { h, errorBox } from './dom.js';
import { shortId } from './history.js';
import { appealReview } from './appeal-review.js';

export function mount(main, ctx) {
  const body = h('div', {});
  const others = h('ul', {});
  const othersNav = h('nav', { class: 'held-appeals', 'aria-labelledby': 'held-appeals-h', hidden: true },
    h('h2', { id: 'held-appeals-h' }, 'Other appeals you hold'), others);
  const claim = h('button', { type: 'button', class: 'primary', id: 'claim-appeal', onclick: () => claimNext() }, 'Claim next appeal ', h('kbd', {}, 'A'));
  main.replaceChildren(h('div', { class: 'view-head' }, h('h1', { tabindex: '-1' }, 'Appeals'), claim), othersNav, body);

  let held = []; // ids of the appeals the senior holds, as the gateway last said
  let review = null; // { id, stop } of the appeal on screen
  let gone = false;

  function forget(appealId) {
    held = held.filter((id) => id !== appealId);
    renderOthers();
  }

  function renderOthers() {
    const rest = held.filter((id) => id !== review?.id);
    others.replaceChildren(...rest.map((id) => h('li', {},
      h('button', { type: 'button', class: 'link', title: id, 'aria-label': `Open appeal ${id}`, onclick: () => open(id) }, shortId(id)))));
    othersNav.hidden = rest.length === 0;
  }

  function showEmpty(text) {
    review?.stop();
    review = null;
    body.replaceChildren(h('p', { class: 'empty' }, text));
    renderOthers();
  }

  function show(detail) {
    review?.stop();
    const id = detail.appealId;
    review = { id, stop: () => {} };
    const shown = appealReview(detail, {
      onDecided() {
        forget(id);
        ctx.announce('Appeal decided.');
        claim.focus();
      },
      onReleased() {
        forget(id);
        showEmpty('The appeal is back in the queue for another senior agent.');
        ctx.announce('Appeal released to the queue.');
        claim.focus();
      },
      onLost: () => forget(id),
    });
    review.stop = shown.stop;
    body.replaceChildren(shown.element);
    renderOthers();
  }

  async function open(appealId) {
    body.replaceChildren(h('p', {}, 'Loading…'));
    try {
      const detail = await api.getHeldAppeal(appealId);
      if (!gone) {
        show(detail);
      }
    } catch (error) {
      if (error.status === 409) {
        forget(appealId); // the lease ran out between the two calls
      }
      if (!gone) {
        review?.stop();
        review = null;
        body.replaceChildren(errorBox(error));
        renderOthers();
      }
    }
  }

  async function loadHeld() {
    body.replaceChildren(h('p', {}, 'Loading…'));
    const me = await ctx.refreshMe();
    held = [...me.claimedAppeals];
    if (gone) {
      return;
    }
    if (held.length) {
      await open(held[0]);
    } else {
      showEmpty('Claim the next appeal to review it.');
    }
  }

  const ready = loadHeld().catch((error) => {
    if (!gone) {
      body.replaceChildren(errorBox(error));
    }
  });

  async function claimNext() {
    await ready; // a shortcut pressed while held appeals load must not claim a second one
    if (gone || claim.disabled) {
      return;
    }
    if (held.length) {
      if (!held.includes(review?.id)) {
        await open(held[0]);
      }
      ctx.announce('Decide or release the appeal you hold first.');
      return;
    }
    claim.disabled = true;
    try {
      const detail = await api.claimNextAppeal();
      if (gone) {
        return;
      }
      if (!detail) {
        showEmpty('No appeals are waiting for you.');
        ctx.announce('No appeals waiting.');
        return;
      }
      held = [detail.appealId];
      show(detail);
    } catch (error) {
      body.replaceChildren(errorBox(error));
    } finally {
      claim.disabled = false;
    }
  }

  return {
    unmount() {
      gone = true;
      review?.stop();
    },
    onKey(key) {
      if (key === 'a') {
        claimNext();
        return true;
      }
      return false;
    },
  };
}
