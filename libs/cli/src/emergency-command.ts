import { randomUUID } from 'node:crypto';

/**
 * `herald emergency fire <templateId>`: fires a pre-approved crisis template with one request, from a terminal,
 * a script or a cron job. Authenticates with a user's token (HERALD_TOKEN: crisis or admin role, `POST
 * /api/emergency`) or, for machines, with the webhook token (HERALD_WEBHOOK_TOKEN, `POST
 * /api/emergency/webhook/:templateId`). Every invocation sends an Idempotency-Key (a new UUID, or --idempotency-key),
 * printed with the outcome, so a script that retries after a timeout reuses it and can never fire twice.
 * Exit codes: 0 fired (or already fired under this key), 1 refused by Herald, 2 usage, 3 Herald unreachable or failing.
 */
export const EXIT = { fired: 0, refused: 1, usage: 2, unavailable: 3 } as const;

export const HELP = `Usage: herald emergency fire <templateId> [--title TEXT] [--body HTML] [--url URL] [--idempotency-key KEY]

Fires a pre-approved crisis template now: every recipient's screen is taken over until they answer.

  --url URL        Herald's public URL (or HERALD_URL), e.g. https://herald.example.com
  --title TEXT     replace the template's title for this firing (not with the webhook token)
  --body HTML      replace the template's body for this firing (not with the webhook token)
  --idempotency-key KEY
                   retry safely: the same key within 24 h returns the alert it already fired instead of firing
                   again (default: a new random key per invocation, printed in the output)

Credentials (environment): HERALD_TOKEN (a crisis or admin user's access token) or HERALD_WEBHOOK_TOKEN.
Exit codes: 0 fired (or already fired under this key), 1 refused by Herald, 2 usage error, 3 Herald unreachable or failing.
`;

export interface CommandResult {
  code: number;
  out: string;
}

interface Parsed {
  templateId: string;
  url: string;
  overrides: { title?: string; body?: string };
  idempotencyKey: string;
}

function parse(argv: string[], env: NodeJS.ProcessEnv): Parsed | string {
  const [area, verb, templateId, ...rest] = argv;
  if (area !== 'emergency' || verb !== 'fire' || !templateId || templateId.startsWith('-')) return 'expected: herald emergency fire <templateId>';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(templateId)) return `"${templateId}" is not a template id`;
  const parsed: Parsed = { templateId, url: env.HERALD_URL ?? '', overrides: {}, idempotencyKey: randomUUID() };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === '--url') parsed.url = value;
    else if (flag === '--title') parsed.overrides.title = value;
    else if (flag === '--body') parsed.overrides.body = value;
    else if (flag === '--idempotency-key') parsed.idempotencyKey = value;
    else return `unknown option ${flag}`;
  }
  if (!/^[\x20-\x7e]{1,128}$/.test(parsed.idempotencyKey) || !parsed.idempotencyKey.trim()) return '--idempotency-key must be 1 to 128 printable ASCII characters';
  if (!/^https?:\/\/[^\s]+$/.test(parsed.url)) return 'Herald\'s URL is missing or malformed: pass --url or set HERALD_URL';
  return parsed;
}

/** Runs the command; never throws, and says in one sentence what happened. */
export async function runEmergencyCommand(argv: string[], env: NodeJS.ProcessEnv, fetchFn: typeof fetch = fetch): Promise<CommandResult> {
  if (argv.includes('--help') || argv.includes('-h') || !argv.length) return { code: argv.length ? EXIT.fired : EXIT.usage, out: HELP };
  const p = parse(argv, env);
  if (typeof p === 'string') return { code: EXIT.usage, out: `herald: ${p}\n${HELP}` };
  const base = p.url.replace(/\/+$/, '');
  const user = env.HERALD_TOKEN;
  const machine = env.HERALD_WEBHOOK_TOKEN;
  if (!user && !machine) return { code: EXIT.usage, out: 'herald: set HERALD_TOKEN (a crisis or admin user) or HERALD_WEBHOOK_TOKEN\n' };
  if (!user && Object.keys(p.overrides).length) return { code: EXIT.usage, out: 'herald: --title and --body need a user token (HERALD_TOKEN); the webhook fires the template as approved\n' };
  const [path, body] = user ? ['/api/emergency', { templateId: p.templateId, ...(Object.keys(p.overrides).length ? { overrides: p.overrides } : {}) }] : [`/api/emergency/webhook/${p.templateId}`, {}];
  let res: Response;
  try {
    res = await fetchFn(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${user ?? machine}`, 'idempotency-key': p.idempotencyKey }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const retry = `Retry with --idempotency-key ${quote(p.idempotencyKey)}: it fires at most once.`;
    // A timeout may come after Herald fired; a refused connection cannot.
    if ((err as Error).name === 'TimeoutError') return { code: EXIT.unavailable, out: `herald: no answer from Herald at ${base} within 15 s; the emergency may have gone out. ${retry}\n` };
    return { code: EXIT.unavailable, out: `herald: could not reach Herald at ${base}: ${(err as Error).message}. Nothing was sent. ${retry}\n` };
  }
  const json = (await res.json().catch(() => ({}))) as { id?: string; occurrenceId?: string; message?: string; title?: string };
  const key = `Idempotency-Key ${quote(p.idempotencyKey)}`;
  if (res.status === 202) return { code: EXIT.fired, out: `Fired template ${p.templateId}: alert ${json.id} "${json.title}" is going out now (occurrence ${json.occurrenceId ?? 'scheduled with reminders'}; ${key}).\n` };
  if (res.status === 200 && res.headers.get('idempotent-replayed') === 'true') return { code: EXIT.fired, out: `Already fired: template ${p.templateId} went out as alert ${json.id} "${json.title}" under ${key}; nothing new was sent.\n` };
  // 409: a first request with this key (an earlier, timed-out run) is still firing; its outcome is not known yet.
  if (res.status === 409) return { code: EXIT.unavailable, out: `herald: ${json.message ?? 'conflict'}. Run the same command with --idempotency-key ${quote(p.idempotencyKey)} again to learn its outcome.\n` };
  if (res.status >= 500) return { code: EXIT.unavailable, out: `herald: Herald failed (${res.status}): ${json.message ?? 'no detail'}. The emergency may not have gone out. Retry with --idempotency-key ${quote(p.idempotencyKey)}: it fires at most once.\n` };
  return { code: EXIT.refused, out: `herald: refused (${res.status}): ${json.message ?? 'no detail'}. Nothing was sent.\n` };
}

/** A key as the user can paste it back into a shell. */
function quote(key: string): string {
  return /^[A-Za-z0-9._:@\/-]+$/.test(key) ? key : `'${key.replace(/'/g, `'\\''`)}'`;
}
