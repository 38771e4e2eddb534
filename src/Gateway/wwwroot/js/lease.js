// The countdown of a claim's lease. A lapsed lease silently returns the case to the queue (SPEC §2), so the agent
// must see the time left, be warned before it runs out, and be told plainly when it has.

import { h } from './dom.js';
import { serverNow } from './api.js';
import { duration } from './format.js';

const WARN_SECONDS = 120;

/**
 * Returns { element, setLeaseUntil(iso), stop() }. onExpire runs once when the time is up. The visible clock ticks
 * every second but is aria-hidden; screen readers hear one announcement at the warning mark and one at expiry.
 */
export function leaseCountdown(leaseUntil, { onExpire } = {}) {
  const clock = h('span', { class: 'lease-clock', 'aria-hidden': 'true' });
  const spoken = h('span', { class: 'visually-hidden', 'aria-live': 'assertive' });
  const element = h('p', { class: 'lease' }, 'Lease: ', clock, spoken);
  let until = Date.parse(leaseUntil);
  let warned = false;
  let expired = false;

  function tick() {
    const left = (until - serverNow()) / 1000;
    element.classList.toggle('lease-warning', left <= WARN_SECONDS && left > 0);
    element.classList.toggle('lease-expired', left <= 0);
    if (left <= 0) {
      clock.textContent = 'expired — the case is back in the queue';
      if (!expired) {
        expired = true;
        spoken.textContent = 'Your lease has expired.';
        onExpire?.();
      }
      return;
    }
    const minutes = Math.floor(left / 60);
    const seconds = Math.floor(left % 60);
    clock.textContent = `${minutes}:${String(seconds).padStart(2, '0')} left`;
    element.title = `Lease ends in ${duration(left)}`;
    if (left <= WARN_SECONDS && !warned) {
      warned = true;
      spoken.textContent = 'Two minutes left on your lease. Renew it to keep the case.';
    }
  }

  tick();
  const timer = setInterval(tick, 1000);
  return {
    element,
    setLeaseUntil(iso) {
      until = Date.parse(iso);
      warned = false;
      expired = false;
      spoken.textContent = '';
      tick();
    },
    get expired() {
      return expired;
    },
    stop: () => clearInterval(timer),
  };
}
