import { HeraldClient, ConnectionStatus } from '@herald/client-sdk';
import { notificationsSupported, notifyIfHidden, playAlarm } from './attention';
import { byId } from './dom';
import { LANGUAGES, pickLanguage, translatePage } from './i18n';
import { focusLinkedAlert, renderInbox } from './inbox';
import { forgetSession, LiveSession, loadSession, Session, userStorage } from './session';
import { wireSignInForm } from './sign-in-form';
import { DoNotDisturbControl } from './do-not-disturb';
import { AlertViews } from './views';

/** The recipient web client: sign-in, then alerts from the SDK shown in their presentation, inbox, receipts. */
const lang = pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
const s = LANGUAGES[lang];
/** How long "Remind me later" puts an info/warning alert away. */
const SNOOZE_MINUTES = 10;
document.documentElement.lang = lang;

const STATUS_TEXT: Record<ConnectionStatus, string> = { connecting: s.statusConnecting, connected: s.statusConnected, offline: s.statusOffline, unauthorized: s.statusSignedOut, stopped: s.statusSignedOut };

let client: HeraldClient | undefined;

function setStatus(status: ConnectionStatus): void {
  const el = byId('status');
  el.textContent = STATUS_TEXT[status];
  el.dataset.status = status;
}

function signedOut(message = ''): void {
  client?.stop();
  client = undefined;
  byId('login').hidden = false;
  byId('home').hidden = true;
  byId('signout').hidden = true;
  byId('error').textContent = message;
  setStatus('stopped');
}

function start(session: Session): void {
  byId('login').hidden = true;
  byId('home').hidden = false;
  byId('signout').hidden = false;
  byId('who').textContent = session.username;
  // One refresher for the socket and the API calls alike (see LiveSession).
  const live = new LiveSession(session);
  const c = new HeraldClient({
    url: '',
    getToken: live.token,
    // A refused (expired) access token is traded for a new one; only a spent or revoked session signs the user out.
    refreshToken: live.refresh,
    storage: userStorage(session.username),
    hello: { kind: 'web', version: '1' },
  });
  client = c;
  const api = live.api;
  void new DoNotDisturbControl(s, navigator.language || lang, api).load();
  const refreshInbox = () => {
    renderInbox(s, c.inbox(), acknowledge, navigator.language || lang);
    focusLinkedAlert(location.hash);
  };
  window.onhashchange = refreshInbox; // assignment, not addEventListener: one handler across sign-ins
  const acknowledge = (occurrenceId: string) => {
    // An emergency is only taken down by an answer: a bare acknowledgement (e.g. from the inbox) leaves it up.
    if (!c.acknowledge(occurrenceId)) return;
    views.remove(occurrenceId);
    refreshInbox();
  };
  const respond = (occurrenceId: string, optionId: string) => {
    if (!c.respond(occurrenceId, optionId)) return;
    views.remove(occurrenceId);
    refreshInbox();
  };
  const snooze = (occurrenceId: string) => void c.snooze(occurrenceId, SNOOZE_MINUTES);
  const views = new AlertViews(s, { acknowledge, respond, snooze });
  c.on('snoozed', ({ occurrenceId }) => {
    views.remove(occurrenceId);
    refreshInbox();
  });
  c.on('status', (status) => {
    setStatus(status);
    if (status === 'unauthorized') {
      forgetSession();
      signedOut(s.sessionExpired);
    }
  });
  c.on('alert', ({ alert, resumed }) => {
    // A reminder brings the same occurrence back to the front rather than adding a second copy.
    if (alert.reminder) views.remove(alert.occurrenceId);
    const how = views.show(alert);
    c.displayed(alert.occurrenceId);
    refreshInbox();
    // A resumed alert was already announced before this reload: show it again, but do not ring or notify twice.
    if (resumed) return;
    if (how === 'fullscreen') void playAlarm().then((r) => (document.body.dataset.sound = r));
    notifyIfHidden(alert, () => undefined);
  });
  c.on('recall', ({ occurrenceId, reason }) => {
    views.remove(occurrenceId);
    const title = c.inbox().find((e) => e.occurrenceId === occurrenceId)?.alert?.title;
    if (reason === 'all-clear' && title) views.allClear(title);
    refreshInbox();
  });
  refreshInbox();
  c.start();
}

function offerNotifications(): void {
  const btn = byId<HTMLButtonElement>('notify');
  if (!notificationsSupported() || Notification.permission !== 'default') return;
  btn.hidden = false;
  // Browsers only prompt from a user gesture, hence a button rather than a prompt on load.
  btn.addEventListener('click', () => void Notification.requestPermission().then(() => (btn.hidden = true)));
}

wireSignInForm(s.signInFailed, start);
byId('signout').addEventListener('click', () => {
  forgetSession();
  signedOut();
});

translatePage(s);
offerNotifications();
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
const saved = loadSession();
if (saved) start(saved);
else signedOut();
