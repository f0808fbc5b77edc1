/** UI strings. The language is the first of the browser's preferred languages that Herald speaks. */
const en = {
  appName: 'Herald',
  signIn: 'Sign in',
  signOut: 'Sign out',
  username: 'Username',
  password: 'Password',
  signInFailed: 'Sign-in failed',
  sessionExpired: 'Your session expired, please sign in again.',
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
};
export type Strings = typeof en;

const fr: Strings = {
  appName: 'Herald',
  signIn: 'Se connecter',
  signOut: 'Se déconnecter',
  username: "Nom d'utilisateur",
  password: 'Mot de passe',
  signInFailed: 'Échec de la connexion',
  sessionExpired: 'Votre session a expiré, veuillez vous reconnecter.',
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
