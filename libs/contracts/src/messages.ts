import { z } from 'zod';
import { defineEvent, defineRpc } from './contract';
import { AlertContentSchema, AudienceSchema, ClientAlertSchema, IsoDate, Severity } from './alerts';
import { DeliveryViewSchema, ReceiptSchema } from './deliveries';
import { AuditEntrySchema } from './audit';
import { ScheduleSpecSchema, ScheduleViewSchema } from './schedules';
import { RemoteErrorSchema } from './errors';
import { RecallReasonSchema } from './socket-events';

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
  z.object({ userIds: z.array(z.string()), unknownUsers: z.array(z.string()), unknownGroups: z.array(z.string()) }),
);

/** A directory user as a follow-up list shows them (who has not answered an emergency). */
export const PersonSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  mail: z.string().optional(),
  department: z.string().optional(),
  location: z.string().optional(),
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

/** Gateway → delivery: alerts still valid and not yet acknowledged for a user who just connected. */
export const PendingAlerts = defineRpc(
  'delivery.pending.v1',
  'delivery',
  z.object({ userId: z.string().min(1) }),
  z.object({ alerts: z.array(ClientAlertSchema) }),
);

/** Composer → delivery: per-recipient states of an alert. */
/** Gateway → delivery: a recipient snoozes an info/warning alert (refused for critical and emergency: 422). */
export const SnoozeDelivery = defineRpc(
  'delivery.snooze.v1',
  'delivery',
  z.object({ occurrenceId: z.string().min(1).max(200), userId: z.string().min(1), minutes: z.number().int().min(1).max(24 * 60) }),
  z.object({ snoozedUntil: IsoDate }),
);

export const ListDeliveries = defineRpc(
  'delivery.list.v1',
  'delivery',
  z.object({ alertId: z.string().min(1) }),
  z.object({ deliveries: z.array(DeliveryViewSchema) }),
);

/** Composer → scheduler: send an alert later, on a recurrence, with a validity window and/or reminders. */
export const CreateSchedule = defineRpc(
  'schedule.create.v1',
  'scheduler',
  z.object({ alertId: z.string().min(1), content: AlertContentSchema, audience: AudienceSchema, spec: ScheduleSpecSchema, requestedBy: z.string() }),
  ScheduleViewSchema,
);

/** Composer → scheduler: stop every future firing and reminder of an alert (recall). */
export const CancelSchedule = defineRpc('schedule.cancel.v1', 'scheduler', z.object({ alertId: z.string().min(1), requestedBy: z.string() }), z.object({ cancelledJobs: z.number().int() }));

/** Composer → scheduler: an alert sent now ends at `validUntil`; the scheduler runs its expiry like a scheduled one's. */
export const ExpiryRequested = defineEvent('schedule.expiry.v1', 'scheduler', z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1), validUntil: IsoDate }));

/** Composer → delivery: take an alert off every screen; its open deliveries become `recalled`. */
export const RecallRequested = defineEvent('delivery.recall.v1', 'delivery', z.object({ alertId: z.string().min(1), requestedBy: z.string(), reason: RecallReasonSchema.optional() }));

/** Scheduler → delivery: an occurrence's validity window closed; deliveries not displayed become `expired`. */
export const ExpiryDue = defineEvent('delivery.expire.v1', 'delivery', z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1) }));

/** Scheduler → delivery: reminder `n` of an occurrence is due for recipients who have not acknowledged it. */
export const ReminderDue = defineEvent('delivery.remind.v1', 'delivery', z.object({ alertId: z.string().min(1), occurrenceId: z.string().min(1), n: z.number().int().min(1) }));

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
  DescribeUsers,
  AlertFanout,
  DeliveryReceipts,
  PendingAlerts,
  ListDeliveries,
  AuditRecorded,
  CreateSchedule,
  CancelSchedule,
  ExpiryRequested,
  RecallRequested,
  ExpiryDue,
  ReminderDue,
  AlertRecalled,
];
