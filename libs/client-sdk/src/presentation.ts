import type { ClientAlert, Presentation, ResponseOption, Severity } from '@herald/contracts';

/**
 * Severities allowed to take over the whole screen, and those that always do and must be answered. The composer
 * enforces both (FULLSCREEN_SEVERITIES and ANSWER_REQUIRED_SEVERITIES in @herald/contracts, which these mirror: the
 * SDK imports contracts as types only, so the browser bundle stays free of zod); the client still applies them
 * defensively, so an old or odd alert never locks a screen it should not, and an emergency is never a mere pop-up.
 */
const FULLSCREEN: readonly Severity[] = ['critical', 'emergency'];
const ANSWER_REQUIRED: readonly Severity[] = ['emergency'];

/** How this alert is shown: its requested presentation, full screen only where the severity allows it. */
export function presentationOf(alert: Pick<ClientAlert, 'severity'> & { presentation?: Presentation }): Presentation {
  if (ANSWER_REQUIRED.includes(alert.severity)) return 'fullscreen';
  const asked = alert.presentation ?? 'popup';
  return asked === 'fullscreen' && !FULLSCREEN.includes(alert.severity) ? 'popup' : asked;
}

/** True when the alert cannot be dismissed without choosing one of its answers (emergencies). */
export function requiresAnswer(alert: Pick<ClientAlert, 'severity' | 'responses'>): boolean {
  return ANSWER_REQUIRED.includes(alert.severity) && (alert.responses?.length ?? 0) > 0;
}

/** Info and warning alerts may be snoozed; critical and emergency stay until dealt with (delivery enforces it too). */
export function canSnooze(alert: Pick<ClientAlert, 'severity'>): boolean {
  return alert.severity === 'info' || alert.severity === 'warning';
}

/** Response options offered with an alert ("I am safe" / "I need help"), in the sender's order. */
export function responseOptions(alert: Pick<ClientAlert, 'responses'>): ResponseOption[] {
  return Array.isArray(alert.responses) ? alert.responses.filter((o) => o && typeof o.id === 'string' && typeof o.label === 'string') : [];
}

/** Orders alerts waiting for the screen: emergencies first, then by arrival (a stable sort keeps arrival order). */
export function severityRank(severity: Severity): number {
  return severity === 'emergency' ? 3 : severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0;
}
