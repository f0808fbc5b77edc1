import { Collection, Store } from '@herald/persistence';
import { TemplateRequest } from './template.dto';

export interface TemplateDoc extends Omit<TemplateRequest, 'responses' | 'reminders' | 'escalation'> {
  _id: string;
  /** null when absent, so an edit that drops them really removes them. */
  responses: TemplateRequest['responses'] | null;
  reminders: TemplateRequest['reminders'] | null;
  /** Optional on documents written before escalation existed. */
  escalation?: TemplateRequest['escalation'] | null;
  /** Bumped on every edit; recorded with each firing so the audit says which text went out. */
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** The composer's crisis templates. */
export class TemplateRepository {
  private constructor(private readonly templates: Collection<TemplateDoc>) {}

  static async open(store: Store): Promise<TemplateRepository> {
    return new TemplateRepository(await store.collection<TemplateDoc>({ name: 'templates', indexes: [['name']] }));
  }

  async insert(t: TemplateDoc): Promise<void> {
    await this.templates.insertNew([t]);
  }

  get(id: string): Promise<TemplateDoc | null> {
    return this.templates.findOne({ _id: id });
  }

  list(): Promise<TemplateDoc[]> {
    return this.templates.find({}, { sort: [['name', 1]], limit: 1_000 });
  }

  /** Replaces the content if the template is still at `version` (two admins editing at once: the second is told). */
  async update(id: string, version: number, set: Partial<TemplateDoc>): Promise<boolean> {
    return (await this.templates.updateWhere([{ filter: { _id: id, version }, set: { ...set, version: version + 1 } }])) === 1;
  }
}
