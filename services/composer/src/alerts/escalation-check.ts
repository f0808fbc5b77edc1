import { ESCALATION_SEVERITIES, EscalationPolicy, ReminderPolicy, Severity, UnprocessableError, ValidationError } from '@herald/contracts';
import { Env } from '@herald/config';

/**
 * Refuses an escalation policy that could not do what it says, at the moment it is written (alert or template),
 * rather than when the emergency is under way: e-mail without an SMTP server, a severity nobody must settle, an
 * escalation that would overtake the reminders (the order: re-notify, then escalate).
 */
export function checkEscalation(env: Pick<Env, 'SMTP_URL'>, severity: Severity, policy: EscalationPolicy | undefined | null, reminders?: ReminderPolicy | null): void {
  if (!policy) return;
  if (!ESCALATION_SEVERITIES.includes(severity)) throw new ValidationError(`escalation: only for ${ESCALATION_SEVERITIES.join(' and ')} alerts (recipients must acknowledge or answer them)`, 'escalation');
  if (!env.SMTP_URL) throw new UnprocessableError('escalation: e-mail is not configured on this server (set SMTP_URL and HERALD_MAIL_FROM), so nobody could be escalated', 'escalation');
  if (reminders) {
    const last = reminders.everyMinutes * reminders.maxCount;
    if (policy.afterMinutes <= last) throw new ValidationError(`escalation.afterMinutes: must come after the last reminder (${last} minutes after firing)`, 'escalation.afterMinutes');
  }
}

/** An escalation must fall inside the occurrence's window, or it would never run. */
export function checkEscalationWindow(policy: EscalationPolicy | undefined | null, startMs: number, validUntil: string): void {
  if (policy && startMs + policy.afterMinutes * 60_000 >= Date.parse(validUntil)) {
    throw new ValidationError(`escalation.afterMinutes: ${policy.afterMinutes} minutes after sending is past the alert's end (${validUntil})`, 'escalation.afterMinutes');
  }
}
