import type { DoNotDisturbView } from '@herald/contracts';
import { signIn } from './agent';
import { AgentConfig, AgentConfigError } from './config';

const MAX_MINUTES = 366 * 24 * 60;

/** Herald answered with a refusal (4xx): the message says why. */
export class CommandRefused extends Error {}

/** `<N>`, `<N>m` or `<N>h` as minutes; AgentConfigError for anything else. */
export function pauseMinutes(arg: string): number {
  const m = /^(\d{1,6})(m|h)?$/.exec(arg);
  const minutes = m ? Number(m[1]) * (m[2] === 'h' ? 60 : 1) : NaN;
  if (!(minutes >= 1 && minutes <= MAX_MINUTES)) throw new AgentConfigError(`dnd: "${arg}" is not a duration (e.g. 30, 45m, 2h; at most 366 days), "off" or "status"`);
  return minutes;
}

/**
 * `herald-agent dnd [status | off | <duration>]`: the signed-in user's do-not-disturb from the desktop. A duration
 * pauses info and warning alerts for that long (critical and emergency still come through); `off` ends the pause.
 * Quiet hours set in the web client are kept as they are. Returns the line to print.
 */
export async function doNotDisturbCommand(config: AgentConfig, args: string[], now = new Date()): Promise<string> {
  const [action = 'status', ...rest] = args;
  if (rest.length) throw new AgentConfigError(`dnd: unexpected "${rest.join(' ')}"`);
  const until = action === 'status' || action === 'off' ? null : new Date(now.getTime() + pauseMinutes(action) * 60_000).toISOString();
  const token = config.token ?? (await signIn(config.url, config.username!, config.password!));
  const call = async (method: 'GET' | 'PUT', body?: unknown): Promise<DoNotDisturbView> => {
    const res = await fetch(`${config.url}/api/me/do-not-disturb`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    const reply = (await res.json().catch(() => ({}))) as DoNotDisturbView & { message?: string };
    if (res.status >= 400 && res.status < 500) throw new CommandRefused(reply.message ?? `HTTP ${res.status}`);
    if (!res.ok) throw new Error(`Herald answered ${res.status}: ${reply.message ?? ''}`);
    return reply;
  };
  let view = await call('GET');
  if (action !== 'status') view = await call('PUT', { quietHours: view.quietHours, until });
  const quiet = view.quietHours ? `; quiet hours ${view.quietHours.days.join(',')} ${view.quietHours.from}-${view.quietHours.to} (${view.quietHours.timezone})` : '';
  return `do not disturb: ${view.active ? `on until ${view.activeUntil}` : 'off'}${quiet}`;
}
