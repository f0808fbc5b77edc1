import { byId } from '../dom';
import { BoardStrings, fill } from './strings';
import { messageOf } from './summary-stream';
import type { BoardAlert } from './summary';

type Api = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * Asks, in a modal dialog, before ending the emergency on every screen; then `POST /api/alerts/:id/all-clear`.
 * The board shows the result as the live summary reports `allClearAt`; a refusal is said next to the button.
 */
export async function confirmAllClear(s: BoardStrings, alert: BoardAlert, api: Api): Promise<void> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-text').textContent = fill(s.allClearConfirm, { title: alert.title });
  dialog.returnValue = '';
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  if (dialog.returnValue !== 'yes') return;
  const res = await api(`/api/alerts/${encodeURIComponent(alert.id)}/all-clear`, { method: 'POST' }).catch(() => undefined);
  const message = byId('all-clear-message');
  if (res?.ok) {
    byId('all-clear').hidden = true;
    return;
  }
  message.textContent = fill(s.allClearRefused, { reason: (res && (await messageOf(res))) ?? s.unreachable });
}
