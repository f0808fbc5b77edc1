import { z } from 'zod';
import { IsoDate, Severity } from './alerts';

/** Severities an escalation policy may be attached to: the ones a recipient must settle (acknowledge or answer). */
export const ESCALATION_SEVERITIES: readonly Severity[] = ['critical', 'emergency'];

/**
 * What happens to recipients who have not settled an alert (answered an emergency, acknowledged a critical one)
 * `afterMinutes` after an occurrence fired, once its reminders are spent: an e-mail to their directory `mail`
 * (`email`), and one digest e-mail per manager (directory `manager` attribute) listing their unanswered reports
 * (`manager`). Whoever has not answered is always listed with their manager on the accountability board.
 */
export const EscalationPolicySchema = z
  .object({
    afterMinutes: z.number().int().min(1).max(7 * 24 * 60),
    email: z.boolean().default(true),
    manager: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.email || p.manager, { message: 'must escalate by email, to managers, or both', path: ['email'] });
export type EscalationPolicy = z.infer<typeof EscalationPolicySchema>;

/** Where an escalation of one delivery stands: being sent (claimed by a delivery process), sent, or failed after its retries. */
export const ESCALATION_STATES = ['sending', 'sent', 'failed'] as const;
export const EscalationStateSchema = z.enum(ESCALATION_STATES);
export type EscalationState = z.infer<typeof EscalationStateSchema>;

/**
 * One delivery's escalation as recorded: when, through which channel (`email`: to the person; `manager`: only in
 * their manager's digest, when the policy does not e-mail the person), how it ended.
 */
export const EscalationRecordSchema = z.object({
  at: IsoDate,
  channel: z.enum(['email', 'manager']),
  state: EscalationStateSchema,
  /** The address written to (absent when the directory has no mail for the person). */
  to: z.string().optional(),
  attempts: z.number().int().min(0),
  error: z.string().optional(),
});
export type EscalationRecord = z.infer<typeof EscalationRecordSchema>;
