import { z } from 'zod';
import { defineEvent, defineRpc } from './contract';
import { AlertContentSchema, AudienceSchema, ClientAlertSchema, IsoDate, Severity } from './alerts';
import { DeliveryViewSchema, ReceiptSchema } from './deliveries';
import { AuditEntrySchema } from './audit';
import { ScheduleSpecSchema, ScheduleViewSchema } from './schedules';
import { RemoteErrorSchema } from './errors';
import { DoNotDisturbSchema, DoNotDisturbViewSchema } from './do-not-disturb';
import { RecallReasonSchema } from './socket-events';
import { EscalationPolicySchema } from './escalation';
import { ClientPresenceSchema, PresenceReportSchema } from './presence';

const DispatchSchema = z.object({
  alertId: z.string(),
  occurrenceId: z.string(),
  content: AlertContentSchema,
  audience: AudienceSchema,
  validUntil: IsoDate,
  requestedBy: z.string(),
});

/** Composer → delivery: an occurrence of an alert must reach its audience now. */
export const DispatchRequested = defineEvent('dispatch.requested.v1', 'delivery', DispatchSchema);

/**
 * The same for an emergency, on its own queue: an emergency is never waiting behind the dispatches of ordinary
 * broadcasts (pick with `dispatchContractFor`).
 */
export const EmergencyDispatchRequested = defineEvent('dispatch.emergency.v1', 'delivery', DispatchSchema);

/** Anyone → directory: expand an audience (nested groups included) to user ids. */
export const ResolveAudience = defineRpc(
  'audience.resolve.v1',
  'directory',
  z.object({ audience: AudienceSchema }),
  z.object({
    userIds: z.array(z.string()),
    unknownUsers: z.array(z.string()),
    unknownGroups: z.array(z.string()),
    unknownComputers: z.array(z.string()).default([]),
    /** The included part names computers or network ranges: recipients who connect later may still qualify. */
    presenceBased: z.boolean().default(false),
  }),
);

/**
 * Delivery → directory, when a user connects: which of these audiences (of occurrences still valid that target
 * computers or network ranges) admit this user, given where the client connects from now.
 */
export const AdmitToAudiences = defineRpc(
  'audience.admit.v1',
  'directory',
  z.object({ userId: z.string().min(1).max(256), presence: ClientPresenceSchema, audiences: z.array(z.object({ id: z.string().min(1), audience: AudienceSchema })).max(1_000) }),
  z.object({ admitted: z.array(z.string()) }),
);

/** Gateways → directory: client sessions connected, still there (heartbeat) or gone; the directory keeps presence. */
export const PresenceReported = defineEvent('presence.reported.v1', 'directory', z.object({ reports: z.array(PresenceReportSchema).min(1).max(10_000) }));

/** A directory user as a follow-up list shows them (who has not answered an emergency). */
export const PersonSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  mail: z.string().optional(),
  department: z.string().optional(),
  location: z.string().optional(),
  /** Phone number to call them (directory `telephoneNumber`, or LDAP_PHONE_ATTR), as the directory stores it. */
  phone: z.string().optional(),
  /** Their manager (directory `manager` attribute, a DN), resolved to a person (with mail and phone) when the snapshot holds them. */
  manager: z.object({ id: z.string().optional(), dn: z.string(), displayName: z.string(), mail: z.string().optional(), phone: z.string().optional() }).optional(),
});
export type Person = z.infer<typeof PersonSchema>;

/** Anyone → directory: contact details of these users from the snapshot (unknown ids are left out). */
export const DescribeUsers = defineRpc(
  'directory.describe.v1',
  'directory',
  z.object({ userIds: z.array(z.string().min(1).max(256)).max(100_000) }),
  z.object({ users: z.array(PersonSchema) }),
);

const FanoutSchema = z.object({ alert: ClientAlertSchema, recipients: z.array(z.string()).min(1) });

/**
 * Delivery → every gateway: push one occurrence to the sockets of these recipients (one message per chunk).
 * Prefetch 2: the rest of a large broadcast's chunks wait on the broker, so an emergency fan-out (its own queue)
 * is read by a busy gateway after at most two ordinary chunks, never after the whole broadcast.
 */
export const AlertFanout = defineEvent('alert.fanout.v1', 'gateway', FanoutSchema, { broadcast: true, prefetch: 2 });

/** The same for an emergency, on its own queue at every gateway, never behind the chunks of a large broadcast. */
export const EmergencyFanout = defineEvent('alert.emergency-fanout.v1', 'gateway', FanoutSchema, { broadcast: true });

/** The dispatch contract for an alert of this severity: emergencies travel on their own queues. */
export const dispatchContractFor = (severity: Severity) => (severity === 'emergency' ? EmergencyDispatchRequested : DispatchRequested);
/** The fan-out contract for an alert of this severity. */
export const fanoutContractFor = (severity: Severity) => (severity === 'emergency' ? EmergencyFanout : AlertFanout);

/** Gateway → delivery: receipts batched from many sockets. */
export const DeliveryReceipts = defineEvent('delivery.receipts.v1', 'delivery', z.object({ receipts: z.array(ReceiptSchema).min(1) }));

/**
 * Gateway → delivery: alerts still valid and not yet acknowledged for a user who just connected. With `presence`,
 * delivery first targets the user for valid occurrences whose computer / network-range audience now admits them.
 */
export const PendingAlerts = defineRpc(
  'delivery.pending.v1',
  'delivery',
  z.object({ userId: z.string().min(1), presence: ClientPresenceSchema.optional() }),
  z.object({ alerts: z.array(ClientAlertSchema) }),
);

/** Gateway → delivery: a recipient snoozes an info/warning alert (refused for critical and emergency: 422). */
export const SnoozeDelivery = defineRpc(
  'delivery.snooze.v1',
  'delivery',
  z.object({ occurrenceId: z.string().min(1).max(200), userId: z.string().min(1), minutes: z.number().int().min(1).max(24 * 60) }),
  z.object({ snoozedUntil: IsoDate }),
);

/** Composer → delivery: per-recipient states of an alert. */
export const ListDeliveries = defineRpc(
  'delivery.list.v1',
  'delivery',
  z.object({ alertId: z.string().min(1) }),
  z.object({ deliveries: z.array(DeliveryViewSchema) }),
);

/** Composer → delivery: a recipient's do-not-disturb settings and whether they apply now. */
export const GetDoNotDisturb = defineRpc('delivery.dnd-get.v1', 'delivery', z.object({ userId: z.string().min(1) }), DoNotDisturbViewSchema);

/** Composer → delivery: a recipient replaces their do-not-disturb settings (held alerts follow the new end). */
export const SetDoNotDisturb = defineRpc('delivery.dnd-set.v1', 'delivery', z.object({ userId: z.string().min(1), settings: DoNotDisturbSchema }), DoNotDisturbViewSchema);

/** Composer → scheduler: send an alert later, on a recurrence, with a validity window and/or reminders. */
export const CreateSchedule = defineRpc(
  'schedule.create.v1',
  'scheduler',
  z.object({ alertId: z.string().min(1), content: AlertContentSchema, audience: AudienceSchema, spec: ScheduleSpecSchema, requestedBy: z.string(), escalation: EscalationPolicySchema.optional() }),
  ScheduleViewSchema,
);

/**
 * Composer → scheduler: occurrences not fired yet carry this content and audience (already validated, sanitised and
 * authorised by the composer, whose alert record is the source of truth). 409 when the schedule has ended.
 */
export const UpdateScheduleContent = defineRpc(
  'schedule.update-content.v1',
  'scheduler',
  z.object({ alertId: z.string().min(1), content: AlertContentSchema, audience: AudienceSchema, requestedBy: z.string() }),
  ScheduleViewSchema,
);

/** Composer → scheduler: stop every future firing and reminder of an alert (recall). */
export const CancelSchedule = defineRpc('schedule.cancel.v1', 'scheduler', z.object({ alertId: z.string().min(1), requestedBy: z.string() }), z.object({ cancelledJobs: z.number().int() }));

/**
 * Composer → scheduler: an alert sent now ends at `validUntil`; the scheduler runs its expiry like a scheduled
 * one's, and its escalation (if it has a policy) `afterMinutes` after `sentAt`.
 */
export const ExpiryRequested = defineEvent(
  'schedule.expiry.v1',
  'scheduler',
  z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1), validUntil: IsoDate, sentAt: IsoDate.optional(), escalation: EscalationPolicySchema.optional() }),
);

/** Composer → delivery: take an alert off every screen; its open deliveries become `recalled`. */
export const RecallRequested = defineEvent('delivery.recall.v1', 'delivery', z.object({ alertId: z.string().min(1), requestedBy: z.string(), reason: RecallReasonSchema.optional() }));

/** Scheduler → delivery: an occurrence's validity window closed; deliveries not displayed become `expired`. */
export const ExpiryDue = defineEvent('delivery.expire.v1', 'delivery', z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1) }));

/** Scheduler → delivery: reminder `n` of an occurrence is due for recipients who have not acknowledged it. */
export const ReminderDue = defineEvent('delivery.remind.v1', 'delivery', z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1), n: z.number().int().min(1) }));

/**
 * Scheduler → delivery: the escalation of an occurrence is due: recipients who have not settled it are e-mailed
 * and/or listed to their managers, as `policy` says. Idempotent per delivery (one escalation each, ever).
 */
export const EscalationDue = defineEvent('delivery.escalate.v1', 'delivery', z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1), policy: EscalationPolicySchema }));

/** Delivery → every gateway: take an occurrence off these recipients' screens (socket event `alert:recall`). */
export const AlertRecalled = defineEvent(
  'alert.recalled.v1',
  'gateway',
  z.object({ alertId: z.string(), occurrenceId: z.string(), recipients: z.array(z.string()).min(1), reason: RecallReasonSchema.optional() }),
  { broadcast: true },
);

/** Any service → audit: domain events to append to the audit trail. */
export const AuditRecorded = defineEvent('audit.recorded.v1', 'audit', z.object({ entries: z.array(AuditEntrySchema).min(1) }));

/** Every RPC reply travels in this envelope so a domain error crosses the bus with its status. */
export const RpcEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: RemoteErrorSchema }),
]);

/** Every contract, for topology checks and docs. */
export const ALL_CONTRACTS = [
  SnoozeDelivery,
  DispatchRequested,
  EmergencyDispatchRequested,
  EmergencyFanout,
  ResolveAudience,
  AdmitToAudiences,
  PresenceReported,
  DescribeUsers,
  AlertFanout,
  DeliveryReceipts,
  PendingAlerts,
  ListDeliveries,
  GetDoNotDisturb,
  SetDoNotDisturb,
  AuditRecorded,
  CreateSchedule,
  UpdateScheduleContent,
  CancelSchedule,
  ExpiryRequested,
  RecallRequested,
  ExpiryDue,
  ReminderDue,
  EscalationDue,
  AlertRecalled,
];
