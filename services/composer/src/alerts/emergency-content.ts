import { ANSWER_REQUIRED_SEVERITIES, AlertContent, DEFAULT_EMERGENCY_RESPONSES, ResponseOption } from '@herald/contracts';

/**
 * How an alert is presented and what it asks: an emergency always takes over the screen and always offers answers
 * (the sender's, or "I am safe" / "I need help"); any other alert keeps what its sender chose.
 */
export function presentationFor(req: Pick<AlertContent, 'severity' | 'presentation' | 'responses'>): { presentation: AlertContent['presentation']; responses?: ResponseOption[] } {
  if (!ANSWER_REQUIRED_SEVERITIES.includes(req.severity)) return { presentation: req.presentation, ...(req.responses ? { responses: req.responses } : {}) };
  return { presentation: 'fullscreen', responses: req.responses?.length ? req.responses : DEFAULT_EMERGENCY_RESPONSES.map((o) => ({ ...o })) };
}
