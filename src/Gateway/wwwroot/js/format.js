// How wire values and times read for a person. The wire names themselves come from the API (snake_case enums).

import { serverNow } from './api.js';

export const REASONS = ['self_harm', 'underage', 'violence', 'sexual_content', 'hate', 'harassment', 'scam', 'impersonation', 'spam', 'other'];
export const SANCTIONS = ['warning', 'mute', 'suspension', 'ban'];

/** "sexual_content" → "sexual content". */
export function label(wire) {
  return wire === null || wire === undefined ? '—' : String(wire).replaceAll('_', ' ');
}

/** 75 → "1 min 15 s", 7200 → "2 h", 90000 → "1 d 1 h". */
export function duration(totalSeconds) {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}

/** Seconds since an ISO time, by the gateway's clock. */
export function secondsSince(iso) {
  return (serverNow() - Date.parse(iso)) / 1000;
}

export function age(iso) {
  return duration(secondsSince(iso));
}

/** Minutes of a sanction as words: 1440 → "1 d". */
export function minutes(value) {
  return value ? duration(value * 60) : '';
}

/** A compact local date and time; the year only when it is not this year. */
export function when(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  const year = date.getFullYear() === new Date().getFullYear() ? undefined : 'numeric';
  return date.toLocaleString(undefined, { year, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function percent(value) {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)} %`;
}

/** A sanction spec or record as words: "mute for 1 d", "ban". */
export function sanctionText(sanction) {
  if (!sanction) {
    return 'none';
  }
  const length = sanction.durationMinutes ? ` for ${minutes(sanction.durationMinutes)}` : '';
  return `${label(sanction.kind)}${length}`;
}
