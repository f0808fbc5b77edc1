import { byId } from '../dom';
import { pickLanguage, translatePage } from '../i18n';
import { forgetSession, LiveSession, loadSession, rolesOf, Session } from '../session';
import { wireSignInForm } from '../sign-in-form';
import { ALERT_ID, showPicker } from './alert-picker';
import { confirmAllClear } from './all-clear';
import { BoardView } from './board-view';
import { BOARD_STRINGS, fill, severityLabel } from './strings';
import { messageOf, StreamEnd, SummaryStream } from './summary-stream';
import type { BoardAlert } from './summary';

/**
 * The crisis board (/board): pick a recent critical or emergency alert, or open `/board#<alertId>`, and watch who is
 * safe, who needs help and who has not answered, live. Crisis team, admins and auditors read it; crisis and
 * admins may give the all clear from it.
 */
const lang = pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
const s = BOARD_STRINGS[lang];
const locale = navigator.language || lang;
document.documentElement.lang = lang;
const WALL_KEY = 'herald.board.wall';
/** How often the list of recent alerts is read again while it is on screen (a wall screen left on it shows a new emergency). */
const LIST_EVERY_MS = 5_000;

let live: LiveSession | undefined;
let stream: SummaryStream | undefined;
let listTimer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by every navigation, so an answer arriving after the user moved on is dropped. */
let turn = 0;

function show(part: 'login' | 'picker' | 'board' | 'refusal', message = ''): void {
  for (const id of ['login', 'picker', 'board', 'refusal'] as const) byId(id).hidden = id !== part;
  byId('refusal').textContent = part === 'refusal' ? message : '';
}

/** Stops whatever keeps the current view up to date (the summary stream, the list's re-reads). */
function leaveView(): void {
  stream?.stop();
  stream = undefined;
  clearTimeout(listTimer);
}

function signedOut(message = ''): void {
  leaveView();
  live = undefined;
  byId('signout').hidden = true;
  byId('who').textContent = '';
  byId('error').textContent = message;
  show('login');
}

function start(session: Session): void {
  live = new LiveSession(session);
  byId('who').textContent = session.username;
  byId('signout').hidden = false;
  void route();
}

/** What a refused request means for the board: a 401 after refreshing is a finished session. */
function refused(status: number, message?: string): void {
  if (status === 401) {
    forgetSession();
    return signedOut(s.sessionExpired);
  }
  show('refusal', status === 403 ? s.forbidden : status === 404 ? s.notFound : status === 0 ? s.unreachable : (message ?? `HTTP ${status}`));
}

/** `#<alertId>` opens that alert's board; no hash, the list. */
async function route(): Promise<void> {
  leaveView();
  if (!live) return;
  const mine = ++turn;
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id) {
    const status = await showPicker(s, locale, live.api).catch(() => 0);
    if (mine !== turn) return;
    // A re-read that cannot reach Herald keeps the list shown and tries again; a refusal is said.
    const shown = !byId('picker').hidden;
    if (status !== 200 && !(status === 0 && shown)) return refused(status);
    show('picker');
    listTimer = setTimeout(() => void route(), LIST_EVERY_MS);
    return;
  }
  if (!ALERT_ID.test(id)) return refused(404);
  const res = await live.api(`/api/alerts/${encodeURIComponent(id)}`).catch(() => undefined);
  if (mine !== turn) return;
  if (!res?.ok) return refused(res?.status ?? 0, res && (await messageOf(res)));
  openBoard((await res.json()) as BoardAlert);
}

function openBoard(alert: BoardAlert): void {
  const session = live!;
  show('board');
  const title = byId('board-title');
  title.textContent = alert.title;
  // Screen readers start from the alert's name when a board opens (the list's link is gone).
  title.tabIndex = -1;
  title.focus();
  byId('board-severity').textContent = severityLabel(s, alert.severity);
  byId('board').dataset.severity = alert.severity;
  byId('all-clear-message').textContent = '';
  const mayEnd = rolesOf(session.token()).some((r) => r === 'crisis' || r === 'admin');
  const button = byId<HTMLButtonElement>('all-clear');
  button.hidden = !mayEnd || alert.status !== 'sent';
  button.onclick = () => void confirmAllClear(s, alert, session.api);
  const view = new BoardView(s, locale);
  const status = byId('stream-status');
  stream = new SummaryStream(alert.id, session, {
    summary: (summary) => {
      view.render(summary);
      const ended = byId('board-ended');
      ended.hidden = !summary.allClearAt;
      if (summary.allClearAt) {
        ended.textContent = fill(s.allClearDone, { time: new Date(summary.allClearAt).toLocaleTimeString(locale) });
        button.hidden = true;
      }
    },
    status: (st) => {
      status.dataset.status = st;
      status.textContent = st === 'live' ? s.live : st === 'connecting' ? s.connecting : s.reconnecting;
    },
    end: (end: StreamEnd) => (end.reason === 'signed-out' ? refused(401) : refused(end.reason === 'forbidden' ? 403 : 404, end.message)),
  });
  stream.start();
}

function wallScreen(on: boolean): void {
  document.body.classList.toggle('wall', on);
  byId<HTMLInputElement>('wall').checked = on;
  localStorage.setItem(WALL_KEY, on ? '1' : '');
}

translatePage(s);
wireSignInForm(s.signInFailed, start);
byId('signout').addEventListener('click', () => {
  forgetSession();
  signedOut();
});
byId<HTMLInputElement>('wall').addEventListener('change', (e) => wallScreen((e.target as HTMLInputElement).checked));
wallScreen(!!localStorage.getItem(WALL_KEY));
window.addEventListener('hashchange', () => void route());
const saved = loadSession();
if (saved) start(saved);
else signedOut();
