/** The sign-in form's strings: the web client and the crisis board use the same form. */
export const SIGN_IN_STRINGS = {
  en: {
    signIn: 'Sign in',
    signOut: 'Sign out',
    username: 'Username',
    password: 'Password',
    signInFailed: 'Sign-in failed',
    sessionExpired: 'Your session expired, please sign in again.',
  },
  fr: {
    signIn: 'Se connecter',
    signOut: 'Se déconnecter',
    username: "Nom d'utilisateur",
    password: 'Mot de passe',
    signInFailed: 'Échec de la connexion',
    sessionExpired: 'Votre session a expiré, veuillez vous reconnecter.',
  },
};

/** UI strings. The language is the first of the browser's preferred languages that Herald speaks. */
const en = {
  appName: 'Herald',
  ...SIGN_IN_STRINGS.en,
  statusSignedOut: 'signed out',
  statusConnecting: 'connecting…',
  statusConnected: 'connected',
  statusOffline: 'offline, reconnecting…',
  idle: 'You are connected. New alerts appear on this page.',
  acknowledge: 'Acknowledge',
  snooze: 'Remind me in 10 min',
  inbox: 'Recent alerts',
  inboxEmpty: 'No alerts yet.',
  stateReceived: 'new',
  stateDisplayed: 'seen',
  stateAcknowledged: 'acknowledged',
  stateRecalled: 'withdrawn',
  severity_info: 'Information',
  severity_warning: 'Warning',
  severity_critical: 'Critical',
  severity_emergency: 'EMERGENCY',
  allClear: 'All clear',
  allClearBody: 'The emergency is over:',
  dismiss: 'Close',
  enableNotifications: 'Show alerts when this tab is in the background',
  tickerLabel: 'Alert ticker',
  alertsLabel: 'Alerts',
  dndTitle: 'Do not disturb',
  dndHelp: 'Information and warnings wait until it ends; critical alerts and emergencies always come through.',
  dndPause: 'Pause alerts',
  dndOff: 'no',
  dnd1h: 'for 1 hour',
  dnd4h: 'for 4 hours',
  dndTomorrow: 'until tomorrow 8:00',
  dndKeep: 'until',
  dndQuietHours: 'Quiet hours every',
  dndFrom: 'from',
  dndTo: 'to',
  dndSave: 'Save',
  dndSaved: 'Saved.',
  dndStateOff: 'off',
  dndStateOn: 'on until',
  dndStateScheduled: 'quiet hours set',
};
export type Strings = typeof en;

const fr: Strings = {
  appName: 'Herald',
  ...SIGN_IN_STRINGS.fr,
  statusSignedOut: 'déconnecté',
  statusConnecting: 'connexion…',
  statusConnected: 'connecté',
  statusOffline: 'hors ligne, reconnexion…',
  idle: 'Vous êtes connecté. Les nouvelles alertes apparaissent sur cette page.',
  acknowledge: 'Confirmer la lecture',
  snooze: 'Me le rappeler dans 10 min',
  inbox: 'Alertes récentes',
  inboxEmpty: 'Aucune alerte pour le moment.',
  stateReceived: 'nouvelle',
  stateDisplayed: 'vue',
  stateAcknowledged: 'lue et confirmée',
  stateRecalled: 'retirée',
  severity_info: 'Information',
  severity_warning: 'Avertissement',
  severity_critical: 'Critique',
  severity_emergency: 'URGENCE',
  allClear: 'Fin d’alerte',
  allClearBody: 'L’urgence est terminée :',
  dismiss: 'Fermer',
  enableNotifications: "Afficher les alertes quand cet onglet est en arrière-plan",
  tickerLabel: "Bandeau d'alertes",
  alertsLabel: 'Alertes',
  dndTitle: 'Ne pas déranger',
  dndHelp: 'Les informations et avertissements attendent la fin ; les alertes critiques et les urgences passent toujours.',
  dndPause: 'Suspendre les alertes',
  dndOff: 'non',
  dnd1h: 'pendant 1 heure',
  dnd4h: 'pendant 4 heures',
  dndTomorrow: "jusqu'à demain 8 h",
  dndKeep: "jusqu'à",
  dndQuietHours: 'Heures calmes chaque',
  dndFrom: 'de',
  dndTo: 'à',
  dndSave: 'Enregistrer',
  dndSaved: 'Enregistré.',
  dndStateOff: 'désactivé',
  dndStateOn: "activé jusqu'à",
  dndStateScheduled: 'heures calmes réglées',
};

export const LANGUAGES = { en, fr } as const;
export type Language = keyof typeof LANGUAGES;

export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base in LANGUAGES) return base as Language;
  }
  return 'en';
}

/** Static labels come from the page's data-i18n attributes, so the markup stays the single place for layout. */
export function translatePage(s: Record<string, string>): void {
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((n) => (n.textContent = s[n.dataset.i18n!] ?? n.textContent));
  document.querySelectorAll<HTMLElement>('[data-i18n-label]').forEach((n) => n.setAttribute('aria-label', s[n.dataset.i18nLabel!] ?? ''));
}
