import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { checkField, checkSpec, Collection, CollectionSpec, Condition, ConditionalUpdate, Doc, Filter, FindOptions, Scalar, Store } from './collection';

type Sql = { where: string; params: unknown[] };

const field = (f: string) => (f === '_id' ? 'id' : `json_extract(doc, '$.${checkField(f)}')`);
// SQLite's json_extract gives 1/0 for JSON booleans.
const param = (v: Scalar) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

function condition(f: string, c: Condition, params: unknown[]): string {
  const col = field(f);
  if (c === null) return `${col} IS NULL`;
  if (typeof c !== 'object') {
    params.push(param(c));
    return `${col} = ?`;
  }
  // Every operator of the condition applies (a range such as { $gt, $lt }), as in MongoDB.
  return (Object.entries(c) as [string, Scalar | Scalar[]][]).map(([op, v]) => operator(col, op, v, params)).join(' AND ');
}

function operator(col: string, op: string, v: Scalar | Scalar[], params: unknown[]): string {
  if (op === '$in') {
    const list = v as Scalar[];
    const values = list.filter((x) => x !== null);
    const parts = values.length ? [`${col} IN (${values.map(() => '?').join(',')})`] : [];
    params.push(...values.map(param));
    // null in the list matches a missing or null field, as in MongoDB.
    if (values.length < list.length) parts.push(`${col} IS NULL`);
    return parts.length ? `(${parts.join(' OR ')})` : '0';
  }
  if (op === '$ne') {
    if (v === null) return `${col} IS NOT NULL`;
    params.push(param(v as Scalar));
    return `(${col} IS NULL OR ${col} != ?)`;
  }
  const sqlOp = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' }[op];
  if (!sqlOp) throw new Error(`unsupported operator ${op}`);
  params.push(param(v as Scalar));
  return `${col} ${sqlOp} ?`;
}

function where<T>(filter: Filter<T>): Sql {
  const params: unknown[] = [];
  const parts = Object.entries(filter).map(([f, c]) => condition(f, c as Condition, params));
  return { where: parts.length ? parts.join(' AND ') : '1', params };
}

class SqliteCollection<T extends Doc> implements Collection<T> {
  constructor(private readonly db: Database.Database, private readonly table: string) {}

  async insertNew(docs: T[]): Promise<number> {
    const stmt = this.db.prepare(`INSERT OR IGNORE INTO ${this.table} (id, doc) VALUES (?, json(?))`);
    const run = this.db.transaction((list: T[]) => list.reduce((n, d) => n + stmt.run(d._id, JSON.stringify(d)).changes, 0));
    return run(docs);
  }

  async updateWhere(updates: ConditionalUpdate<T>[]): Promise<number> {
    const run = this.db.transaction((list: ConditionalUpdate<T>[]) => {
      let changed = 0;
      for (const u of list) {
        const entries = Object.entries(u.set).filter(([k]) => k !== '_id');
        if (!entries.length) continue;
        const setExpr = `json_set(doc, ${entries.map(([k]) => `'$.${checkField(k)}', json(?)`).join(', ')})`;
        const w = where(u.filter);
        const values = entries.map(([, v]) => JSON.stringify(v ?? null));
        // Only documents the update really changes count, as with MongoDB's modifiedCount.
        changed += this.db.prepare(`UPDATE ${this.table} SET doc = ${setExpr} WHERE (${w.where}) AND doc IS NOT ${setExpr}`).run(...values, ...w.params, ...values).changes;
      }
      return changed;
    });
    return run(updates);
  }

  async deleteWhere(filter: Filter<T>): Promise<number> {
    const w = where(filter);
    return this.db.prepare(`DELETE FROM ${this.table} WHERE ${w.where}`).run(...w.params).changes;
  }

  async findOne(filter: Filter<T>): Promise<T | null> {
    return (await this.find(filter, { limit: 1 }))[0] ?? null;
  }

  async find(filter: Filter<T>, opts: FindOptions<T> = {}): Promise<T[]> {
    const w = where(filter);
    const order = opts.sort?.length ? ` ORDER BY ${opts.sort.map(([f, d]) => `${field(f)} ${d === 1 ? 'ASC' : 'DESC'}`).join(', ')}` : '';
    const limit = opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : '';
    const rows = this.db.prepare(`SELECT doc FROM ${this.table} WHERE ${w.where}${order}${limit}`).all(...w.params) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  async *stream(filter: Filter<T>, batchSize: number): AsyncIterable<T[]> {
    const size = Math.max(1, Math.floor(batchSize));
    // Keyset pages: the last _id seen tightens the filter's own lower bound, so SQLite walks the primary key.
    const own = filter._id;
    if (own !== undefined && (own === null || typeof own !== 'object')) {
      // An exact _id matches one document at most.
      const one = await this.find(filter);
      if (one.length) yield one;
      return;
    }
    const bound = own !== null && typeof own === 'object' && '$gt' in own ? (own.$gt as string) : undefined;
    let after: string | undefined;
    for (;;) {
      const lower = after !== undefined && (bound === undefined || after > bound) ? after : bound;
      const idCondition = lower === undefined ? own : { ...(typeof own === 'object' && own !== null ? own : {}), $gt: lower };
      const page = await this.find({ ...filter, ...(idCondition === undefined ? {} : { _id: idCondition }) } as Filter<T>, { sort: [['_id' as keyof T & string, 1]], limit: size });
      if (page.length) yield page;
      if (page.length < size) return;
      after = page[page.length - 1]._id;
    }
  }

  async count(filter: Filter<T>): Promise<number> {
    const w = where(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM ${this.table} WHERE ${w.where}`).get(...w.params) as { n: number }).n;
  }
}

/** The embedded store for single-node mode: one SQLite file per service, one table of JSON documents per collection. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(join(path, '..'), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  static forService(dir: string, service: string): SqliteStore {
    return new SqliteStore(join(dir, `${service}.db`));
  }

  async collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>> {
    checkSpec(spec);
    const table = `c_${spec.name}`;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    for (const idx of spec.indexes) {
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${idx.join('_')} ON ${table} (${idx.map(field).join(', ')})`);
    }
    return new SqliteCollection<T>(this.db, table);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
