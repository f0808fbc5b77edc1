import { DeliveryState, DeliveryView, EscalationRecord, Person, ResponseOption } from '@herald/contracts';

/** The answer that asks for help: the default emergency answer "I need help"; a template's own answers use the same id for it. */
export const NEED_HELP = 'help';

const STATES: DeliveryState[] = ['targeted', 'sent', 'delivered', 'displayed', 'acknowledged', 'responded', 'expired', 'recalled'];

/** Someone who has not settled the alert: directory details and manager (whom to call), and their escalation so far. */
export interface Unanswered extends Partial<Omit<Person, 'id'>> {
  userId: string;
  state: DeliveryState;
  escalation?: EscalationRecord;
}

/** Someone who answered "I need help": whom to reach first, with their comment (e.g. "floor 3, stairs blocked"). */
export interface NeedsHelp extends Partial<Omit<Person, 'id'>> {
  userId: string;
  respondedAt: string | null;
  comment?: string;
}

export interface AlertSummary {
  alertId: string;
  recipients: number;
  /** How many recipients are in each state right now (they add up to `recipients`). */
  byState: Record<DeliveryState, number>;
  /** How many chose each answer, in the alert's order; */
  byResponse: { id: string; label: string; count: number }[];
  /** Everyone who has not answered (or, for an alert without answers, not acknowledged), with whom to call: their details and their manager. */
  unanswered: Unanswered[];
  /** Everyone who answered `NEED_HELP`, with their details and comment, earliest answer first. */
  needHelp: NeedsHelp[];
  allClearAt: string | null;
}

/**
 * The accountability board for one alert, from its deliveries: counts by state and by answer, and who has not
 * answered with their directory details. Pure, so the counts can be checked against any set of deliveries.
 */
export function summarize(alertId: string, options: ResponseOption[] | undefined, deliveries: DeliveryView[], people: Map<string, Person>, allClearAt: string | null): AlertSummary {
  const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  const answers = new Map((options ?? []).map((o) => [o.id, 0]));
  const unanswered: Unanswered[] = [];
  const needHelp: NeedsHelp[] = [];
  const details = (userId: string) => {
    const { id: _id, ...who } = people.get(userId) ?? { id: userId };
    return who;
  };
  const mustAnswer = (options?.length ?? 0) > 0;
  for (const d of deliveries) {
    byState[d.state]++;
    if (d.response) answers.set(d.response.optionId, (answers.get(d.response.optionId) ?? 0) + 1);
    if (d.response?.optionId === NEED_HELP) needHelp.push({ userId: d.userId, respondedAt: d.respondedAt, ...details(d.userId), ...(d.response.comment ? { comment: d.response.comment } : {}) });
    const settled = mustAnswer ? d.response !== null : d.acknowledgedAt !== null;
    if (!settled) unanswered.push({ userId: d.userId, state: d.state, ...details(d.userId), ...(d.escalation ? { escalation: d.escalation } : {}) });
  }
  return {
    alertId,
    recipients: deliveries.length,
    byState,
    byResponse: (options ?? []).map((o) => ({ id: o.id, label: o.label, count: answers.get(o.id) ?? 0 })),
    unanswered: unanswered.sort((a, b) => a.userId.localeCompare(b.userId)),
    needHelp: needHelp.sort((a, b) => (a.respondedAt ?? '').localeCompare(b.respondedAt ?? '') || a.userId.localeCompare(b.userId)),
    allClearAt,
  };
}
