/**
 * Where the client keeps what must survive a restart (seen alerts, unconfirmed receipts). Synchronous on purpose:
 * the browser's localStorage has exactly this shape, and the agent's JSON file (FileStorage) is small.
 */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Keeps nothing across restarts: for tests and for clients that cannot persist. */
export class MemoryStorage implements KeyValueStorage {
  private readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

/** Reads a JSON value, falling back when it is missing or corrupt (a damaged file must not stop alerts). */
export function readJson<T>(storage: KeyValueStorage, key: string, fallback: T): T {
  try {
    const raw = storage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}
