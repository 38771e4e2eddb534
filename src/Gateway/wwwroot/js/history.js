// A user's record as agents see it (GET /users/{id}/history): standing, earlier sanctions, cases, boots, appeals.

import { h, facts, table } from './dom.js';
import { label, when, percent } from './format.js';

/** Server ids are long ("case_" + 32 hex): links show a short form; the full id is the title and the accessible name. */
export function shortId(id) {
  const cut = id.indexOf('_') + 9;
  return id.length > cut + 2 ? `${id.slice(0, cut)}…` : id;
}

export function caseLink(caseId) {
  return h('a', { href: `#/case/${encodeURIComponent(caseId)}`, title: caseId, 'aria-label': `case ${caseId}` }, shortId(caseId));
}

function sanctionStatus(s) {
  if (s.liftedAt) {
    return `lifted ${when(s.liftedAt)}`;
  }
  return s.appealStatus ? `appeal ${label(s.appealStatus)}` : '';
}

function reporterRecord(r) {
  return r.upheld + r.rejected === 0
    ? 'As a reporter: no decided reports yet.'
    : `As a reporter: accuracy ${percent(r.accuracy)} (${r.upheld} upheld, ${r.rejected} rejected).`;
}

export function standingFacts(standing) {
  return facts([
    ['Can chat', standing.canChat ? 'yes' : 'no'],
    ['Can play', standing.canPlay ? 'yes' : 'no'],
    ['Strikes (90 days)', String(standing.strikes)],
    ['Active sanctions', standing.activeSanctions.length
      ? standing.activeSanctions.map((s) => `${label(s.kind)}${s.endsAt ? ` until ${when(s.endsAt)}` : ''}`).join(', ')
      : 'none'],
  ], 'facts standing');
}

export function historyView(history, { excludeCaseId } = {}) {
  const cases = history.cases.filter((c) => c.caseId !== excludeCaseId);
  return h('div', { class: 'history' },
    standingFacts(history.standing),
    table('Sanctions', ['Sanction', 'Rule', 'From', 'Until', 'Status', 'Case'],
      history.sanctions.map((s) => [label(s.kind), label(s.reason), when(s.startsAt),
        s.endsAt ? when(s.endsAt) : (s.kind === 'ban' ? 'permanent' : '—'), sanctionStatus(s), caseLink(s.caseId)])),
    table(excludeCaseId ? 'Other cases' : 'Cases', ['Case', 'Target', 'Reason', 'Opened', 'Outcome'],
      cases.map((c) => [caseLink(c.caseId), label(c.targetType), label(c.reason), when(c.openedAt), c.outcome ? label(c.outcome) : 'pending'])),
    table('Boots', ['Room', 'By', 'From', 'Until', 'Reason'],
      history.boots.map((b) => [b.roomId, b.actorId, when(b.at), b.liftedAt ? `lifted ${when(b.liftedAt)}` : when(b.until), b.reason ?? ''])),
    table('Appeals', ['Appeal', 'Status', 'Filed', 'Decided'],
      history.appeals.map((a) => [h('span', { title: a.appealId }, shortId(a.appealId)), label(a.status), when(a.filedAt), a.decidedAt ? when(a.decidedAt) : ''])),
    h('p', { class: 'as-reporter' }, reporterRecord(history.asReporter)));
}
