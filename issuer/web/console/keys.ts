/**
 * 签名密钥: the issuer's signing keys and their schedule, read-only: each key by the start of
 * its thumbprint, its state in words, when it was made and published, when a pending key starts
 * signing, until when a retired one stays published. A rotation is made in the service's
 * environment (`liangzheng keys rotate`, OPERATIONS.md §2): the API offers none, and the screen
 * says so and how.
 */
import { h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import type { KeysReply } from '../../keys/replies.js';
import { signingKeys } from './admin-api.js';
import { inSection, t } from './frame.js';
import type { MessageKey } from './messages.js';
import { facts, timeText } from './ui.js';

type Key = KeysReply['keys'][number];

export const keysScreen: Screen = async (main) => {
  inSection('keys');
  main.append(h('h2', {}, t('section_keys')));
  const { keys, publishAhead } = await signingKeys();
  main.append(
    h('ul', { class: 'staff-list', id: 'key-list' }, ...keys.map((k) => h('li', {}, key(k)))),
    h(
      'section',
      { class: 'card', id: 'key-rotation' },
      h('h3', {}, t('keyRotation')),
      h('p', {}, t('keyRotationHow', { hours: Math.round((publishAhead / 3600) * 10) / 10 })),
      h(
        'pre',
        { class: 'command' },
        'liangzheng keys rotate\nliangzheng keys list\nliangzheng keys reissue',
      ),
      h('p', { class: 'hint' }, t('keyRotationNoApi')),
    ),
  );
};

function key(k: Key): HTMLElement {
  return h(
    'article',
    { class: k.state === 'signing' ? 'member current' : 'member', 'data-state': k.state },
    h(
      'div',
      { class: 'member-head' },
      h('code', { class: 'kid' }, k.kid === null ? t('keyUnreadable') : `${k.kid.slice(0, 12)}…`),
      h('span', { class: 'role-tag' }, t(`key_${k.state}` as MessageKey)),
    ),
    facts([
      [t('keyCreated'), timeText(k.createdAt)],
      k.publishedAt === null ? null : [t('keyPublished'), timeText(k.publishedAt)],
      k.signsFrom === null ? null : [t('keySignsFrom'), timeText(k.signsFrom)],
      k.retiredAt === null ? null : [t('keyRetired'), timeText(k.retiredAt)],
      k.state === 'published' || k.state === 'withdrawn'
        ? [t('keyPublishedUntil'), k.lastExpiry === 0 ? '—' : timeText(k.lastExpiry)]
        : null,
    ]),
  );
}
