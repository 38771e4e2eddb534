// Flagged media is disturbing by definition: it is shown blurred until the agent chooses to look, and can be blurred
// again. The <img> carries the blur from its first paint, so an unblurred frame never reaches the screen.

import { h } from './dom.js';

/** Only absolute http(s) URLs on another origin are loaded: a same-origin URL in a flag would ride on the session. */
function loadable(url) {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.origin !== window.location.origin;
  } catch {
    return false;
  }
}

export function blurredMedia(url) {
  const img = h('img', {
    class: 'blurred',
    alt: 'Flagged media',
    referrerPolicy: 'no-referrer',
    decoding: 'async',
    width: 320,
    height: 240,
  });
  const canLoad = loadable(url);
  if (canLoad) {
    img.src = url;
  }
  const caption = h('span', { class: 'media-cover' }, 'Sensitive media hidden. Select to view.');
  const toggle = h('button', { type: 'button', class: 'media-toggle', 'aria-pressed': 'false', title: 'Show or blur the media' }, img, caption);
  toggle.addEventListener('click', () => {
    const reveal = img.classList.contains('blurred');
    img.classList.toggle('blurred', !reveal);
    caption.textContent = reveal ? 'Blur again' : 'Sensitive media hidden. Select to view.';
    caption.classList.toggle('shown', reveal);
    toggle.setAttribute('aria-pressed', String(reveal));
  });
  return h('figure', { class: 'media' },
    toggle,
    h('figcaption', {}, 'Source: ', h('code', { class: 'url' }, url), canLoad ? null : ' (not loaded: not an external http(s) address)'));
}
