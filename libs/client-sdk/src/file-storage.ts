import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeyValueStorage } from './storage';

/**
 * KeyValueStorage in one JSON file (the desktop agent's state). Written to a temporary file and renamed, so a crash
 * mid-write leaves the previous state, never a truncated file. A corrupt file is treated as empty.
 */
export class FileStorage implements KeyValueStorage {
  private data: Record<string, string>;

  constructor(private readonly path: string) {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      this.data = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      this.data = {};
    }
  }

  getItem(key: string): string | null {
    return typeof this.data[key] === 'string' ? this.data[key] : null;
  }

  setItem(key: string, value: string): void {
    this.data[key] = value;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
