import { createHash } from 'node:crypto';
import { ValidationError } from '@herald/contracts';

/** The header a retrying caller repeats so its retry cannot fire a second emergency. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Set to `true` on the answer to a replayed request (it returns the alert the first request fired). */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

const PRINTABLE = /^[\x20-\x7e]{1,128}$/;

/** The header's value, or undefined when absent; anything but 1–128 printable ASCII characters is a 400 naming the header. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) || !PRINTABLE.test(raw) || !raw.trim()) {
    throw new ValidationError(`${IDEMPOTENCY_HEADER}: must be 1 to 128 printable ASCII characters, e.g. a UUID`, IDEMPOTENCY_HEADER);
  }
  return raw;
}

/** A stable digest of a value: objects hash the same whatever the order of their keys. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
