import type { ClientAlert, Presentation, Severity } from '@herald/contracts';

/**
 * Severities allowed to take over the whole screen. The composer refuses other combinations
 * (FULLSCREEN_SEVERITIES in @herald/contracts, which this mirrors: the SDK imports contracts as types only, so the
 * browser bundle stays free of zod); the client still downgrades defensively, so an old or odd alert never locks a
 * screen it should not. `emergency` joins this list when that severity exists.
 */
const FULLSCREEN: readonly Severity[] = ['critical'];

/** How this alert is shown: its requested presentation, full screen only where the severity allows it. */
export function presentationOf(alert: Pick<ClientAlert, 'severity'> & { presentation?: Presentation }): Presentation {
  const asked = alert.presentation ?? 'popup';
  return asked === 'fullscreen' && !FULLSCREEN.includes(alert.severity) ? 'popup' : asked;
}

/**
 * Response options offered with an alert ("I am safe" / "I need help"). None exist yet: they arrive with the
 * emergency issue, which fills this in from the alert; the clients already render whatever it returns.
 */
export function responseOptions(_alert: ClientAlert): { id: string; label: string }[] {
  return [];
}
