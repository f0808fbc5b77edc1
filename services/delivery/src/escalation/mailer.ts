import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import nodemailer, { Transporter } from 'nodemailer';
import { Env } from '@herald/config';
import { MailContent } from './escalation-mail';

/** One message to one address. */
export interface OutgoingMail extends MailContent {
  to: string;
}

/** How one message ended after its attempts. */
export interface SendOutcome {
  ok: boolean;
  attempts: number;
  error?: string;
}

/** The SMTP port of the delivery service: sends one message, throws on failure. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export const MAILER = Symbol('herald:mailer');

/** A 5xx reply is the server's final word (unknown mailbox, refused sender): retrying cannot help. */
const permanent = (err: unknown): boolean => {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/**
 * Sends every message, retrying the ones that failed (connection refused, timeout, 4xx) in rounds with a doubling
 * delay, up to `maxAttempts` attempts each; a permanent refusal (5xx) is not retried. A round waits once for all
 * its failures, so an SMTP outage costs the sum of the delays, not that sum per recipient. Never throws: each
 * message gets its outcome, to be recorded.
 */
export async function sendAll(mailer: Mailer, mails: OutgoingMail[], maxAttempts: number, firstDelayMs: number): Promise<SendOutcome[]> {
  const out: SendOutcome[] = mails.map(() => ({ ok: false, attempts: 0 }));
  let pending = mails.map((_, i) => i);
  for (let attempt = 1; attempt <= maxAttempts && pending.length; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, firstDelayMs * 2 ** (attempt - 2)));
    const results = await Promise.allSettled(pending.map((i) => mailer.send(mails[i])));
    const retry: number[] = [];
    results.forEach((r, k) => {
      const i = pending[k];
      out[i].attempts = attempt;
      if (r.status === 'fulfilled') {
        out[i] = { ok: true, attempts: attempt };
        return;
      }
      out[i].error = (r.reason as Error)?.message ?? String(r.reason);
      if (!permanent(r.reason)) retry.push(i);
    });
    pending = retry;
  }
  return out;
}

/** Nodemailer over SMTP, configured from SMTP_URL and friends; null when SMTP_URL is empty (no e-mail). */
export function smtpMailerFrom(env: Env): Mailer | null {
  if (!env.SMTP_URL) return null;
  const url = new URL(env.SMTP_URL);
  const secure = url.protocol === 'smtps:';
  // The file's existence was checked at boot (createInfra).
  const ca = env.SMTP_CA_FILE ? readFileSync(env.SMTP_CA_FILE, 'utf8') : undefined;
  const transport: Transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: 4,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 25,
    secure,
    requireTLS: env.SMTP_REQUIRE_TLS,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    // Certificates are always verified; a private CA comes from SMTP_CA_FILE.
    tls: { minVersion: 'TLSv1.2', ...(ca ? { ca } : {}), ...(isIP(url.hostname) ? {} : { servername: url.hostname }) },
    connectionTimeout: env.SMTP_TIMEOUT_MS,
    greetingTimeout: env.SMTP_TIMEOUT_MS,
    socketTimeout: env.SMTP_TIMEOUT_MS,
  });
  return {
    send: async (m) => {
      await transport.sendMail({ from: env.HERALD_MAIL_FROM, to: m.to, subject: m.subject, text: m.text, html: m.html });
    },
    close: () => transport.close(),
  };
}
