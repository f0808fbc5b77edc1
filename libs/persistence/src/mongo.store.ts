import mongoose, { Connection, Model, Schema } from 'mongoose';
import { checkField, checkSpec, Collection, CollectionSpec, Condition, ConditionalUpdate, Doc, Filter, FindOptions, Store } from './collection';

const DUPLICATE_KEY = 11000;
const UPDATE_BATCH = 50;
const OPERATORS = new Set(['$in', '$lt', '$lte', '$gt', '$gte', '$ne']);

function toMongo<T>(filter: Filter<T>): Record<string, unknown> {
  // `null` already matches missing fields in MongoDB; `$ne: null` likewise excludes them.
  // Field names and operators are checked as the SQLite store does: no dotted paths, no `$where`/`$or`/`$regex`.
  const out: Record<string, unknown> = {};
  for (const [k, c] of Object.entries(filter)) {
    checkField(k);
    if (c !== null && typeof c === 'object') for (const op of Object.keys(c)) if (!OPERATORS.has(op)) throw new Error(`unsupported operator ${op}`);
    out[k] = c as Condition;
  }
  return out;
}

class MongoCollection<T extends Doc> implements Collection<T> {
  constructor(private readonly model: Model<any>) {}

  async insertNew(docs: T[]): Promise<number> {
    if (!docs.length) return 0;
    try {
      const res = await this.model.collection.insertMany(docs as any[], { ordered: false });
      return res.insertedCount;
    } catch (err: any) {
      // Duplicates are expected (idempotent redelivery); anything else is a real failure.
      const writeErrors: any[] = err?.writeErrors ?? (err?.code === DUPLICATE_KEY ? [err] : null);
      if (!writeErrors || writeErrors.some((e) => (e.code ?? e.err?.code) !== DUPLICATE_KEY)) throw err;
      return err.result?.insertedCount ?? err.insertedCount ?? docs.length - writeErrors.length;
    }
  }

  async updateWhere(updates: ConditionalUpdate<T>[]): Promise<number> {
    const ops = updates
      .map((u) => ({ filter: toMongo(u.filter), set: Object.fromEntries(Object.entries(u.set).filter(([k]) => checkField(k) !== '_id')) }))
      .filter((u) => Object.keys(u.set).length)
      .map((u) => ({ updateMany: { filter: u.filter, update: { $set: u.set } } }));
    let modified = 0;
    // Batches of UPDATE_BATCH statements: FerretDB v1 (SQLite) keeps one cursor per statement open until the end of
    // an update command and deadlocks at its pool size (100); MongoDB is indifferent to the split.
    for (let i = 0; i < ops.length; i += UPDATE_BATCH) modified += (await this.model.collection.bulkWrite(ops.slice(i, i + UPDATE_BATCH), { ordered: true })).modifiedCount;
    return modified;
  }

  async deleteWhere(filter: Filter<T>): Promise<number> {
    return (await this.model.collection.deleteMany(toMongo(filter))).deletedCount;
  }

  async findOne(filter: Filter<T>): Promise<T | null> {
    return (await this.model.collection.findOne(toMongo(filter))) as T | null;
  }

  async find(filter: Filter<T>, opts: FindOptions<T> = {}): Promise<T[]> {
    let cursor = this.model.collection.find(toMongo(filter));
    if (opts.sort?.length) cursor = cursor.sort(Object.fromEntries(opts.sort.map(([f, d]) => [checkField(f), d])));
    if (opts.limit) cursor = cursor.limit(opts.limit);
    return (await cursor.toArray()) as unknown as T[];
  }

  async *stream(filter: Filter<T>, batchSize: number): AsyncIterable<T[]> {
    const size = Math.max(1, Math.floor(batchSize));
    const cursor = this.model.collection.find(toMongo(filter)).sort({ _id: 1 }).batchSize(size);
    try {
      let batch: T[] = [];
      for await (const doc of cursor) {
        batch.push(doc as unknown as T);
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      // An abandoned stream (client gone) must not leave the server cursor open.
      await cursor.close();
    }
  }

  async count(filter: Filter<T>): Promise<number> {
    return this.model.collection.countDocuments(toMongo(filter));
  }
}

/**
 * MongoDB store (mongoose): one database per service (`<prefix><service>`). Documents are schemaless at this
 * layer (contracts validate them at the boundaries); mongoose owns the connection, reconnects and index creation.
 * Uses only operations FerretDB v1 also supports, so CI can run it without MongoDB.
 */
export class MongoStore implements Store {
  private constructor(private readonly conn: Connection) {}

  static async connect(url: string, dbName: string): Promise<MongoStore> {
    const conn = mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 10_000, autoIndex: false, autoCreate: false });
    await conn.asPromise();
    return new MongoStore(conn);
  }

  async collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>> {
    checkSpec(spec);
    const schema = new Schema({ _id: String }, { strict: false, versionKey: false, collection: spec.name, autoIndex: false });
    for (const idx of spec.indexes) schema.index(Object.fromEntries(idx.map((f) => [f, 1])));
    const model = this.conn.models[spec.name] ?? this.conn.model(spec.name, schema);
    await model.createIndexes();
    return new MongoCollection<T>(model);
  }

  /** Drops the whole database (tests only). */
  async dropDatabase(): Promise<void> {
    await this.conn.dropDatabase();
  }

  async ping(): Promise<void> {
    await this.conn.db!.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
