import type { LocalState, SeenEntry } from '@herald/client-sdk';
import { byId, el } from './dom';
import type { Strings } from './i18n';

const STATE_KEY: Record<LocalState, keyof Strings> = { received: 'stateReceived', displayed: 'stateDisplayed', acknowledged: 'stateAcknowledged', recalled: 'stateRecalled' };

/** The list of recent alerts with what happened to each; unacknowledged ones can be acknowledged from here. */
export function renderInbox(s: Strings, entries: SeenEntry[], acknowledge: (occurrenceId: string) => void, locale: string): void {
  const list = byId('inbox-list');
  const items = entries.map((e) => {
    const li = el('li', `entry ${e.state}`);
    li.dataset.occurrence = e.occurrenceId;
    const when = new Date(e.alert!.sentAt).toLocaleString(locale);
    li.append(el('strong', undefined, e.alert!.title), el('span', 'meta', ` ${when} · `), el('span', 'state', s[STATE_KEY[e.state]]));
    if (e.state === 'received' || e.state === 'displayed') {
      const ack = el('button', 'ack small', s.acknowledge);
      ack.type = 'button';
      ack.setAttribute('aria-label', `${s.acknowledge}: ${e.alert!.title}`);
      ack.addEventListener('click', () => acknowledge(e.occurrenceId));
      li.append(' ', ack);
    }
    return li;
  });
  list.replaceChildren(...items);
  byId('inbox-empty').hidden = items.length > 0;
}

/**
 * `#alert=<occurrenceId>` (how the desktop agent opens this page for one alert): that inbox entry is marked and
 * focused, unless a full-screen alert holds the focus.
 */
export function focusLinkedAlert(hash: string): void {
  const m = /^#alert=(.+)$/.exec(hash);
  if (!m) return;
  const id = decodeURIComponent(m[1]);
  const li = Array.from(document.querySelectorAll<HTMLElement>('#inbox-list li')).find((e) => e.dataset.occurrence === id);
  if (!li || li.classList.contains('target')) return;
  li.classList.add('target');
  li.tabIndex = -1;
  li.scrollIntoView({ block: 'center' });
  if (byId('takeover').hidden) li.focus();
}
