import { hostname, networkInterfaces } from 'node:os';
import type { ClientHello } from '@herald/contracts';
import { ConnectionStatus, HeraldClient, presentationOf } from '@herald/client-sdk';
import { FileStorage } from '@herald/client-sdk/node';
import { AgentConfig } from './config';
import { Notifier, Opener } from './desktop';
import { htmlToText } from './text';

export const AGENT_VERSION = '0.1.0';

export interface AgentDeps {
  notifier: Notifier;
  opener: Opener;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/** Machine name and non-loopback addresses: what computer and network-range targeting match on. */
export function machineHello(): ClientHello {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal)
    .map((a) => a.address)
    .slice(0, 16);
  return { kind: 'agent', version: AGENT_VERSION, hostname: hostname().slice(0, 253), addresses };
}

/** The directory said no (wrong or disabled account): retrying will not help. */
export class SignInRefused extends Error {}

/**
 * Signs in with directory credentials and returns a token. Throws SignInRefused for refused credentials, any other
 * error (network down, directory unavailable: 5xx) when trying again later may work.
 */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }), signal: AbortSignal.timeout(15_000) });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (res.status >= 400 && res.status < 500) throw new SignInRefused(`sign-in refused: ${body.message ?? res.status}`);
  if (!res.ok || !body.token) throw new Error(`sign-in failed: ${body.message ?? res.status}`);
  return body.token;
}

/**
 * The desktop agent: one HeraldClient (state in a JSON file, so alerts are not shown twice across restarts and
 * receipts made offline are sent later), each new alert as a native notification, full-screen alerts also opened in
 * the browser. A click on a notification opens the web client, where the user reads and acknowledges it.
 */
export class HeraldAgent {
  private readonly client: HeraldClient;
  private token?: string;

  constructor(private readonly config: AgentConfig, private readonly deps: AgentDeps) {
    this.token = config.token;
    this.client = new HeraldClient({
      url: config.url,
      getToken: () => this.token ?? this.login(),
      // An expired or revoked token: sign in again when the agent has credentials, otherwise stop and say so.
      refreshToken: async () => (config.username && config.password ? this.login() : undefined),
      storage: new FileStorage(config.statePath),
      hello: machineHello(),
    });
    this.client.on('status', (status, detail) => this.onStatus(status, detail));
    this.client.on('alert', ({ alert, resumed }) => {
      const how = presentationOf(alert);
      // Resumed: this machine already notified about it before a restart; the server resends until acknowledged.
      if (!resumed) {
        this.deps.notifier.notify({ occurrenceId: alert.occurrenceId, title: alert.title, message: htmlToText(alert.body), severity: alert.severity }, () => this.deps.opener.open(this.pageFor(alert.occurrenceId)));
        if (how === 'fullscreen' && config.openFullscreen) this.deps.opener.open(this.pageFor(alert.occurrenceId));
      }
      this.client.displayed(alert.occurrenceId);
      this.log('info', 'alert shown', { occurrenceId: alert.occurrenceId, presentation: how, resumed });
    });
    this.client.on('recall', ({ occurrenceId }) => this.log('info', 'alert recalled', { occurrenceId }));
  }

  get status(): ConnectionStatus {
    return this.client.status;
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
  }

  /** The web client, pointed at one alert (the page shows every pending alert; the fragment names which one). */
  private pageFor(occurrenceId: string): string {
    return `${this.config.url}/#alert=${encodeURIComponent(occurrenceId)}`;
  }

  /** A fresh token; undefined when the credentials are refused; throws (retried by the client) when unreachable. */
  private async login(): Promise<string | undefined> {
    if (!this.config.username || !this.config.password) return undefined;
    try {
      this.token = await signIn(this.config.url, this.config.username, this.config.password);
      return this.token;
    } catch (err) {
      this.log('warn', 'sign-in failed', { error: (err as Error).message });
      if (err instanceof SignInRefused) return undefined;
      throw err;
    }
  }

  private onStatus(status: ConnectionStatus, detail?: string): void {
    this.log(status === 'unauthorized' ? 'error' : 'info', `connection ${status}`, detail ? { detail } : {});
  }

  private log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    this.deps.log?.(level, msg, fields);
  }
}
