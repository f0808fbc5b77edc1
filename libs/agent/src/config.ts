import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The agent's settings, from the environment (a desktop deployment tool sets them once per machine) with command
 * line flags on top. A password is never taken from the command line, where other users could read it: use
 * HERALD_PASSWORD or, better, HERALD_PASSWORD_FILE.
 */
const AgentConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    token: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    statePath: z.string().min(1),
    openFullscreen: z.boolean(),
  })
  .refine((c) => c.token || (c.username && c.password), { message: 'set HERALD_TOKEN, or HERALD_USERNAME with HERALD_PASSWORD / HERALD_PASSWORD_FILE', path: ['token'] });
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

export class AgentConfigError extends Error {}

function defaultStatePath(env: NodeJS.ProcessEnv): string {
  const base = env.APPDATA || env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'herald', 'agent-state.json');
}

/** Parses flags (`--url`, `--username`, `--state`, `--no-fullscreen`) over environment variables. */
export function loadAgentConfig(argv: string[], env: NodeJS.ProcessEnv): AgentConfig {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new AgentConfigError(`unexpected argument "${argv[i]}" (see --help)`);
    if (m[2] !== undefined) flags.set(m[1], m[2]);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(m[1], argv[++i]);
    else flags.set(m[1], true);
  }
  for (const f of flags.keys()) if (!['url', 'username', 'state', 'no-fullscreen'].includes(f)) throw new AgentConfigError(`unknown option --${f} (see --help)`);
  const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);
  let password = env.HERALD_PASSWORD;
  if (env.HERALD_PASSWORD_FILE) {
    try {
      password = readFileSync(env.HERALD_PASSWORD_FILE, 'utf8').trim();
    } catch (err) {
      throw new AgentConfigError(`HERALD_PASSWORD_FILE: cannot read ${env.HERALD_PASSWORD_FILE}: ${(err as Error).message}`);
    }
  }
  const parsed = AgentConfigSchema.safeParse({
    url: (str(flags.get('url')) ?? env.HERALD_URL ?? '').replace(/\/+$/, ''),
    token: env.HERALD_TOKEN || undefined,
    username: str(flags.get('username')) ?? (env.HERALD_USERNAME || undefined),
    password: password || undefined,
    statePath: str(flags.get('state')) ?? (env.HERALD_AGENT_STATE || defaultStatePath(env)),
    openFullscreen: !flags.has('no-fullscreen') && env.HERALD_AGENT_OPEN_FULLSCREEN !== 'false',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = { url: 'HERALD_URL (--url)', token: 'HERALD_TOKEN', statePath: 'HERALD_AGENT_STATE (--state)' }[String(issue.path[0])] ?? String(issue.path[0]);
    throw new AgentConfigError(`${field}: ${issue.message}`);
  }
  return parsed.data;
}

export const AGENT_HELP = `herald-agent: shows Herald alerts as desktop notifications.

Usage: herald-agent [--url URL] [--username NAME] [--state FILE] [--no-fullscreen]
       herald-agent dnd [status | off | DURATION] [--url URL] [--username NAME]
         do not disturb: pause info and warning alerts for DURATION (30, 45m, 2h), end the pause, or show it;
         critical and emergency alerts always come through. Exit 0 done, 1 refused, 2 usage, 3 unreachable.

Environment:
  HERALD_URL                    Herald's address (the gateway, or the ingress in front of every service)
  HERALD_TOKEN                  a token to use instead of signing in
  HERALD_USERNAME               directory account to sign in as
  HERALD_PASSWORD_FILE          file holding its password (or HERALD_PASSWORD)
  HERALD_AGENT_STATE            state file (seen alerts, unsent receipts); default in the user's state directory
  HERALD_AGENT_OPEN_FULLSCREEN  "false" to not open the browser for full-screen alerts
`;
