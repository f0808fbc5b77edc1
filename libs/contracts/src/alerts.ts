import { z } from 'zod';
import { parseCidr } from './cidr';

/** In rising order. `emergency` takes over every screen, bypasses do-not-disturb and must be answered. */
export const SEVERITIES = ['info', 'warning', 'critical', 'emergency'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** A directory account name or group name as typed by an admin: no control characters, bounded length. */
const DirectoryName = z.string().trim().min(1).max(256).regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');

/** A DN as typed or picked (an OU): no control characters, bounded length; compared normalised by the directory. */
const DnText = z.string().trim().min(3).max(1024).regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');
/** A computer as typed or picked: its cn, DNS host name or DN (an OU DN selects every computer below it). */
const ComputerName = z.string().trim().min(1).max(1024).regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');

/** A network range in CIDR notation (`10.1.0.0/16`, `2001:db8::/32`); a bare address is a single host. */
const NetworkRange = z
  .string()
  .trim()
  .max(64)
  .superRefine((v, ctx) => {
    try {
      parseCidr(v);
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    }
  });

/** Id of a saved audience (directory service). */
export const AudienceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'malformed audience id');

/** The parts of an audience that select people; each is optional so `{users, groups}` alerts stay valid as they were. */
const selection = {
  /** Raw LDAP filter for experts (RFC 4515), validated by the directory service and ANDed with the user filter. */
  filter: z.string().trim().min(1).max(4_096).optional(),
  /** Organisational units by DN: every user in the subtree. */
  ous: z.array(DnText).max(100).optional(),
  /** Saved audiences by id, resolved to their members at send time. */
  audiences: z.array(AudienceIdSchema).max(20).optional(),
  /**
   * Computer objects by name (cn), DNS host name or DN, or an OU DN (every computer below it): the users the
   * clients on those computers reported lately (presence).
   */
  computers: z.array(ComputerName).max(1_000).optional(),
  /** Network ranges (CIDR, IPv4 or IPv6): the users whose clients connect from an address in one of them. */
  networks: z.array(NetworkRange).max(1_000).optional(),
};

export const AudienceExclusionSchema = z
  .object({ users: z.array(DirectoryName).max(10_000).optional(), groups: z.array(DirectoryName).max(1_000).optional(), ...selection })
  .strict();
export type AudienceExclusion = z.infer<typeof AudienceExclusionSchema>;

/**
 * Who an alert is for: directory users, (nested) groups, OU subtrees, a raw LDAP filter, saved audiences,
 * computers, network ranges or everyone, minus anyone matched by `exclude`. Resolved by the directory service at
 * send time, on its snapshot and the clients' presence.
 */
export const AudienceSchema = z
  .object({
    users: z.array(DirectoryName).max(10_000).default([]),
    groups: z.array(DirectoryName).max(1_000).default([]),
    ...selection,
    everyone: z.literal(true).optional(),
    exclude: AudienceExclusionSchema.optional(),
  })
  .strict()
  .refine((a) => a.users.length + a.groups.length + (a.ous?.length ?? 0) + (a.audiences?.length ?? 0) + (a.computers?.length ?? 0) + (a.networks?.length ?? 0) + (a.filter ? 1 : 0) + (a.everyone ? 1 : 0) > 0, {
    message: 'must name at least one user, group, OU, filter, saved audience, computer, network range, or everyone',
  });
export type Audience = z.infer<typeof AudienceSchema>;

/**
 * How a recipient's client presents an alert: a pop-up card, a line in the scrolling ticker, or a full-screen
 * takeover (focus moved to it, sound). Full screen is for `critical` today and for `emergency` once it exists.
 */
export const PRESENTATIONS = ['popup', 'ticker', 'fullscreen'] as const;
export const PresentationSchema = z.enum(PRESENTATIONS);
export type Presentation = z.infer<typeof PresentationSchema>;
/** Severities that may take over the whole screen (mirrored in libs/client-sdk/src/presentation.ts). */
export const FULLSCREEN_SEVERITIES: readonly Severity[] = ['critical', 'emergency'];
/** Severities that always take over the screen and cannot be dismissed without an answer (mirrored in the SDK). */
export const ANSWER_REQUIRED_SEVERITIES: readonly Severity[] = ['emergency'];

/** One answer a recipient may give ("I am safe"): a stable id recorded per recipient, and the label shown. */
export const ResponseOptionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1-40 lower-case letters, digits, _ or -'),
    label: z.string().trim().min(1).max(80),
  })
  .strict();
export type ResponseOption = z.infer<typeof ResponseOptionSchema>;
export const ResponseOptionsSchema = z
  .array(ResponseOptionSchema)
  .min(1)
  .max(6)
  .refine((opts) => new Set(opts.map((o) => o.id)).size === opts.length, { message: 'response ids must be unique' });
/** What an emergency offers when its sender gave no answers of their own. */
export const DEFAULT_EMERGENCY_RESPONSES: readonly ResponseOption[] = [
  { id: 'safe', label: 'I am safe' },
  { id: 'help', label: 'I need help' },
];

/** What a recipient's screen shows. `body` is sanitised HTML by the time it leaves the composer. */
export const AlertContentSchema = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(20_000),
  severity: SeveritySchema,
  presentation: PresentationSchema.default('popup'),
  /** Answers offered to the recipient; required (defaulted by the composer) on emergencies. */
  responses: ResponseOptionsSchema.optional(),
});
export type AlertContent = z.infer<typeof AlertContentSchema>;

const IsoDate = z.string().datetime({ offset: true });

/** An alert as the recipient client receives it (socket event `alert`, and the pending set on connect). */
export const ClientAlertSchema = AlertContentSchema.extend({
  occurrenceId: z.string(),
  alertId: z.string(),
  sentAt: IsoDate,
  validUntil: IsoDate,
  /** Set on a re-push to a recipient who has not acknowledged: the reminder's number (1, 2, ...). Show it again. */
  reminder: z.number().int().min(1).optional(),
});
export type ClientAlert = z.infer<typeof ClientAlertSchema>;

export { IsoDate };
