import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { assertKnownAudience, Audience, AudienceExclusion, ConflictError, NotFoundError } from '@herald/contracts';
import { hasRole, Principal, requireRole, Role } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { SnapshotService } from '../snapshot/snapshot.service';
import { AudienceRepository, SavedAudienceDoc } from './audience.repository';
import { AudienceService } from './audience.service';
import { CreateAudienceRequest, PreviewRequest } from './audience.dto';

/** Who may look at audiences and the directory picker; who may define audiences; who may preview (senders). */
const READERS: readonly Role[] = ['admin', 'author', 'crisis', 'auditor'];
const EDITORS: readonly Role[] = ['admin', 'author'];
const SENDERS: readonly Role[] = ['admin', 'author', 'crisis'];

export type SavedAudienceView = Omit<SavedAudienceDoc, '_id' | 'nameKey'> & { id: string };
const view = ({ _id, nameKey: _, ...rest }: SavedAudienceDoc): SavedAudienceView => ({ id: _id, ...rest });

/** Saved audiences, previews before sending, and the directory picker's search. */
@Injectable()
export class SavedAudiencesService {
  constructor(
    @Inject(INFRA) private readonly infra: Infra,
    private readonly repo: AudienceRepository,
    private readonly audiences: AudienceService,
    private readonly snapshots: SnapshotService,
    private readonly audit: AuditTrail,
  ) {}

  async create(p: Principal, req: CreateAudienceRequest): Promise<SavedAudienceView> {
    requireRole(p, EDITORS, 'saving an audience');
    const resolved = await this.checked(req.audience);
    const nameKey = req.name.toLowerCase();
    const doc: SavedAudienceDoc = {
      _id: createHash('sha256').update(nameKey).digest('hex').slice(0, 32),
      name: req.name,
      nameKey,
      description: req.description,
      audience: req.audience,
      createdBy: p.userId,
      createdAt: new Date().toISOString(),
    };
    if (!(await this.repo.insert(doc))) throw new ConflictError(`an audience named "${req.name}" exists already`);
    await this.audit.record([{ id: `audience:${doc._id}:created`, actor: p.userId, action: 'audience.created', subject: `audience:${doc._id}`, details: { name: doc.name, audience: doc.audience, members: resolved.userIds.length } }]);
    return view(doc);
  }

  async list(p: Principal): Promise<{ audiences: SavedAudienceView[] }> {
    requireRole(p, READERS, 'listing audiences');
    return { audiences: (await this.repo.list(1_000)).map(view) };
  }

  async get(p: Principal, id: string): Promise<SavedAudienceView> {
    requireRole(p, READERS, 'reading an audience');
    const doc = await this.repo.get(id);
    if (!doc) throw new NotFoundError(`audience ${id} not found`);
    return view(doc);
  }

  /** The count and a first page of members, as a send right now would reach them. */
  async preview(p: Principal, req: PreviewRequest) {
    requireRole(p, SENDERS, 'previewing an audience');
    const resolved = await this.audiences.resolve(req.audience);
    const snap = this.snapshots.current();
    return {
      count: resolved.userIds.length,
      ...this.scopeCheck(p, resolved.userIds),
      members: snap.describe(resolved.userIds.slice(0, req.limit)),
      unknownUsers: resolved.unknownUsers,
      unknownGroups: resolved.unknownGroups,
      unknownComputers: resolved.unknownComputers,
      ...(await this.presenceCounts(req.audience)),
      snapshotAt: snap.syncedAt.toISOString(),
    };
  }

  /**
   * How many users the computer and network-range clauses select on their own (include and exclude side), so the
   * sender sees what presence contributes; absent when the audience has none.
   */
  private async presenceCounts(a: Audience): Promise<{ presence?: Record<string, number> }> {
    const parts: [string, AudienceExclusion | undefined, 'computers' | 'networks'][] = [
      ['computers', a, 'computers'],
      ['networks', a, 'networks'],
      ['excludedComputers', a.exclude, 'computers'],
      ['excludedNetworks', a.exclude, 'networks'],
    ];
    const counts: Record<string, number> = {};
    for (const [label, part, key] of parts) {
      const list = part?.[key];
      if (list?.length) counts[label] = (await this.audiences.resolve({ users: [], groups: [], [key]: list })).userIds.length;
    }
    return Object.keys(counts).length ? { presence: { ...counts, windowMinutes: this.infra.env.PRESENCE_WINDOW_MINUTES } } : {};
  }

  /** For an author (not admin): how many of these recipients their scope does not cover, so a send would be refused. */
  private scopeCheck(p: Principal, userIds: string[]): { outsideScope?: number } {
    if (!hasRole(p, 'author') || hasRole(p, 'admin')) return {};
    const snap = this.snapshots.current();
    const allowed = new Set((p.scope ?? []).flatMap((g) => [...snap.groupUserIds(g)]));
    return { outsideScope: userIds.filter((u) => !allowed.has(u)).length };
  }

  search(p: Principal, q: string, limit: number) {
    requireRole(p, READERS, 'searching the directory');
    return this.snapshots.current().search(q, limit);
  }

  status(p: Principal) {
    requireRole(p, ['admin', 'auditor'], 'reading the directory sync status');
    return this.snapshots.syncStatus();
  }

  /** A saved audience must resolve: a bad filter or network range is 400, unknown names 422. */
  private async checked(audience: Audience) {
    const resolved = await this.audiences.resolve(audience);
    assertKnownAudience(resolved);
    return resolved;
  }
}
