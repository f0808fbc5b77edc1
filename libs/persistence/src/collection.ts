/** Values a stored document field may hold. Timestamps are ISO-8601 strings, so both stores sort them alike. */
export type Scalar = string | number | boolean | null;
export type FieldValue = Scalar | Scalar[] | { [k: string]: unknown } | unknown[];

export interface Doc {
  _id: string;
}

/** A condition on one top-level field. `null` matches a missing field too, as in MongoDB. */
export type Condition =
  | Scalar
  | { $in: Scalar[] }
  | { $lt: Scalar }
  | { $lte: Scalar }
  | { $gt: Scalar }
  | { $gte: Scalar }
  | { $ne: Scalar };

export type Filter<T> = { [K in keyof T & string]?: Condition };

export interface FindOptions<T> {
  sort?: [keyof T & string, 1 | -1][];
  limit?: number;
}

export interface ConditionalUpdate<T> {
  filter: Filter<T>;
  set: Partial<T>;
}

/**
 * The store port: a small document-collection API that MongoDB (mongoose) and the embedded SQLite store both
 * implement with identical semantics (one contract test suite runs against both). No transactions, no change
 * streams, no TTL: idempotency comes from deterministic `_id`s and conditional updates.
 */
export interface Collection<T extends Doc> {
  /** Inserts documents whose `_id` is not stored yet; existing ones are left untouched. Returns how many were new. */
  insertNew(docs: T[]): Promise<number>;
  /** Applies each update to the documents its filter matches; returns how many documents changed. */
  updateWhere(updates: ConditionalUpdate<T>[]): Promise<number>;
  /** Deletes the documents `filter` matches; returns how many. For explicit, audited retention jobs only. */
  deleteWhere(filter: Filter<T>): Promise<number>;
  findOne(filter: Filter<T>): Promise<T | null>;
  find(filter: Filter<T>, opts?: FindOptions<T>): Promise<T[]>;
  count(filter: Filter<T>): Promise<number>;
  /**
   * Every document matching `filter`, in `_id` order, `batchSize` at a time: memory holds one batch however many
   * match. MongoDB reads through one server-side cursor (one query, so stores that cannot use an index for a
   * range, such as FerretDB v1, still scan once); SQLite reads keyset pages, so writes can interleave.
   */
  stream(filter: Filter<T>, batchSize: number): AsyncIterable<T[]>;
}

/** Declares a collection and the fields it is queried by (each gets an index). */
export interface CollectionSpec {
  name: string;
  indexes: string[][];
}

/** Opens the collections of one service's database. */
export interface Store {
  collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>>;
  /** Resolves when the database answers (readiness probes); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Refuses collection and field names that could not be used safely in both stores. */
export function checkSpec(spec: CollectionSpec): void {
  if (!NAME.test(spec.name)) throw new Error(`invalid collection name ${spec.name}`);
  for (const idx of spec.indexes) for (const f of idx) checkField(f);
}

export function checkField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`invalid field name ${field}`);
  return field;
}
