import { gunzipSync, gzipSync } from 'node:zlib';
import { Collection, Store } from '@herald/persistence';
import { DirectoryExport } from '@herald/directory-source';

/** A piece of a stored snapshot: gzip'd JSON of a DirectoryExport, split to stay far below document size limits. */
interface ChunkDoc {
  _id: string;
  data: string;
}

/** Which slot holds the complete snapshot; written last, so a crash mid-save leaves the previous one intact. */
interface CurrentDoc {
  _id: string;
  slot: 'a' | 'b';
  chunks: number;
  syncedAt: string;
}

const CHUNK = 4 * 1024 * 1024; // base64 characters per document
const CURRENT = 'current';

/**
 * Keeps the last good directory snapshot in the directory service's store, so a replica that starts while the
 * directory is down still serves audiences. Two fixed slots alternate (the store port has no delete, and this keeps
 * storage bounded at two snapshots); 100k users compress to a few MB.
 */
export class SnapshotRepository {
  private constructor(private readonly chunks: Collection<ChunkDoc>, private readonly current: Collection<CurrentDoc>) {}

  static async open(store: Store): Promise<SnapshotRepository> {
    return new SnapshotRepository(await store.collection<ChunkDoc>({ name: 'snapshot_chunks', indexes: [] }), await store.collection<CurrentDoc>({ name: 'snapshot_current', indexes: [] }));
  }

  async save(data: DirectoryExport, syncedAt: Date): Promise<void> {
    const now = await this.current.findOne({ _id: CURRENT });
    const slot = now?.slot === 'a' ? 'b' : 'a';
    const packed = gzipSync(JSON.stringify(data)).toString('base64');
    const parts = Math.max(1, Math.ceil(packed.length / CHUNK));
    for (let i = 0; i < parts; i++) await this.put(this.chunks, { _id: `${slot}:${i}`, data: packed.slice(i * CHUNK, (i + 1) * CHUNK) });
    await this.put(this.current, { _id: CURRENT, slot, chunks: parts, syncedAt: syncedAt.toISOString() });
  }

  async load(): Promise<{ data: DirectoryExport; syncedAt: Date } | null> {
    const now = await this.current.findOne({ _id: CURRENT });
    if (!now) return null;
    const parts: string[] = [];
    for (let i = 0; i < now.chunks; i++) {
      const c = await this.chunks.findOne({ _id: `${now.slot}:${i}` });
      if (!c) return null;
      parts.push(c.data);
    }
    return { data: JSON.parse(gunzipSync(Buffer.from(parts.join(''), 'base64')).toString('utf8')) as DirectoryExport, syncedAt: new Date(now.syncedAt) };
  }

  /** Upsert through the port: update in place, or insert when the document does not exist yet. */
  private async put<T extends { _id: string }>(col: Collection<T>, doc: T): Promise<void> {
    const { _id, ...rest } = doc;
    if (await col.updateWhere([{ filter: { _id } as never, set: rest as Partial<T> }])) return;
    await col.insertNew([doc]);
  }
}
