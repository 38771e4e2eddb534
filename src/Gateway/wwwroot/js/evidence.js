// The frozen evidence of a case: the chat snapshot as a conversation with the flagged message marked, or the content
// the game backend supplied (text, and media blurred until clicked), and the hash that proves it was not altered.

import { h, facts } from './dom.js';
import { label, when } from './format.js';
import { blurredMedia } from './media.js';

function chatMessage(message, flaggedSeq, accusedUserId) {
  const flagged = message.seq === flaggedSeq;
  const accused = message.userId === accusedUserId;
  return h('li', { class: ['msg', flagged && 'flagged', accused && 'accused'], dataset: { seq: String(message.seq) }, 'aria-current': flagged ? 'true' : null },
    h('div', { class: 'msg-meta' },
      h('span', { class: 'msg-user' }, message.userId),
      accused ? h('span', { class: 'tag tag-accused' }, 'accused') : null,
      flagged ? h('span', { class: 'tag tag-flagged' }, 'flagged message') : null,
      h('span', { class: 'msg-seq' }, `#${message.seq}`),
      h('time', { datetime: message.sentAt, title: message.sentAt }, when(message.sentAt))),
    h('p', { class: 'msg-text' }, message.text));
}

function conversation(messages, flaggedSeq, accusedUserId) {
  const list = h('ol', { class: 'chat', tabindex: '0', 'aria-label': 'Chat snapshot' }, messages.map((m) => chatMessage(m, flaggedSeq, accusedUserId)));
  // Once in the page, scroll the transcript (not the page) so the flagged message is in the middle of it.
  requestAnimationFrame(() => {
    const flagged = list.querySelector('.flagged');
    if (flagged) {
      list.scrollTop = flagged.offsetTop - list.clientHeight / 2 + flagged.clientHeight / 2;
    }
  });
  return list;
}

function suppliedContent(content) {
  return h('div', { class: 'content' },
    content.text ? h('blockquote', { class: 'content-text' }, content.text) : null,
    content.mediaUrl ? blurredMedia(content.mediaUrl) : null);
}

/** The target of a case in a few words. */
export function targetFacts(target, accusedUserId) {
  return facts([
    ['Target', label(target.type)],
    ['Item', target.id],
    ['Room', target.roomId],
    ['Message', target.messageSeq ? `#${target.messageSeq}` : null],
    ['Accused', accusedUserId],
  ]);
}

export function evidenceView(evidence, accusedUserId) {
  const parts = [];
  if (evidence.messages) {
    parts.push(evidence.messages.length
      ? conversation(evidence.messages, evidence.flaggedSeq, accusedUserId)
      : h('p', { class: 'empty' }, 'The room had no messages at flag time.'));
  }
  if (evidence.content) {
    parts.push(suppliedContent(evidence.content));
  }
  parts.push(h('p', { class: 'hash' },
    `Captured ${when(evidence.capturedAt)} · SHA-256 `,
    h('code', { class: 'sha' }, evidence.sha256)));
  return h('div', { class: 'evidence' }, parts);
}

function trackRecord(r) {
  if (r.upheld + r.rejected === 0) {
    return 'no track record yet';
  }
  return `accuracy ${Math.round(r.accuracy * 100)} % (${r.upheld} upheld, ${r.rejected} rejected)`;
}

/** Reporters as the case shows them: case-scoped aliases with reason, comment and track record. */
export function reportersView(reporters) {
  return h('ul', { class: 'reporters' }, reporters.map((r) => h('li', { class: 'reporter' },
    h('div', { class: 'reporter-head' },
      h('strong', {}, r.alias),
      h('span', { class: 'tag' }, label(r.reason)),
      h('span', { class: 'accuracy' }, trackRecord(r))),
    r.comment ? h('p', { class: 'comment' }, r.comment) : h('p', { class: 'comment empty' }, 'No comment.'),
    h('time', { datetime: r.filedAt }, `filed ${when(r.filedAt)}`))));
}
