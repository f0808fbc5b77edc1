import { Collection, Store } from '@herald/persistence';
import { Audience } from '@herald/contracts';

/** A saved, named audience expression; resolved to members each time it is used. */
export interface SavedAudienceDoc {
  _id: string;
  name: string;
  /** Lower-cased name: names are unique regardless of case. */
  nameKey: string;
  description: string;
  audience: Audience;
  createdBy: string;
  createdAt: string;
}

export class AudienceRepository {
  private constructor(private readonly audiences: Collection<SavedAudienceDoc>) {}

  static async open(store: Store): Promise<AudienceRepository> {
    return new AudienceRepository(await store.collection<SavedAudienceDoc>({ name: 'audiences', indexes: [['nameKey']] }));
  }

  /** False when an audience with that name exists already. The id derives from the name, so a retry is idempotent. */
  async insert(doc: SavedAudienceDoc): Promise<boolean> {
    return (await this.audiences.insertNew([doc])) === 1;
  }

  get(id: string): Promise<SavedAudienceDoc | null> {
    return this.audiences.findOne({ _id: id });
  }

  list(limit: number): Promise<SavedAudienceDoc[]> {
    return this.audiences.find({}, { sort: [['nameKey', 1]], limit });
  }
}
