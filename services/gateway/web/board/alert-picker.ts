import { byId, el } from '../dom';
import { BoardStrings, severityLabel } from './strings';
import type { BoardAlert } from './summary';

/** How many recent alerts the picker lists. */
const RECENT = 30;
/** The alert ids the API accepts (AlertIdParam); anything else is refused before it reaches a URL. */
export const ALERT_ID = /^[A-Za-z0-9_-]{1,64}$/;

type Api = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * The recent critical and emergency alerts the signed-in user may read, newest first, each a link to
 * `#<alertId>` (so a board can be bookmarked or put on a wall screen by its URL); and a field to open one by id.
 * Resolves to the HTTP status of the list (403 for a recipient-only account).
 */
export async function showPicker(s: BoardStrings, locale: string, api: Api): Promise<number> {
  const res = await api(`/api/alerts?severity=critical,emergency&limit=${RECENT}`);
  if (!res.ok) return res.status;
  const { alerts } = (await res.json()) as { alerts: BoardAlert[] };
  const list = byId('alert-list');
  // Re-read every few seconds: the list is only rebuilt when it changed, so focus and reading place stay put.
  const key = JSON.stringify(alerts.map((a) => [a.id, a.status, a.allClearAt ?? null]));
  if (list.dataset.key === key && list.childElementCount === alerts.length) return res.status;
  list.dataset.key = key;
  list.replaceChildren(
    ...alerts.map((a) => {
      const link = el('a', undefined, a.title);
      link.href = `#${a.id}`;
      const when = new Date(a.sentAt ?? a.createdAt).toLocaleString(locale);
      const state = a.allClearAt ? s.ended : a.status === 'recalled' ? s.recalled : s.sent;
      const li = el('li', `alert ${a.severity}`);
      li.dataset.alert = a.id;
      li.append(el('span', 'sev', severityLabel(s, a.severity)), ' ', link, el('span', 'meta', ` ${when} · ${state}`));
      return li;
    }),
  );
  byId('picker-empty').hidden = alerts.length > 0;
  byId('by-id').onsubmit = (e) => {
    e.preventDefault();
    const id = byId<HTMLInputElement>('alert-id').value.trim();
    if (ALERT_ID.test(id)) location.hash = id;
  };
  return res.status;
}
