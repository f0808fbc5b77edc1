import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertKnownAudience, ConflictError, NotFoundError, ResolveAudience } from '@herald/contracts';
import { Principal, requireRole, Role } from '@herald/auth';
import { AuditTrail, Infra, INFRA } from '@herald/runtime';
import { sanitizeAlertBody } from '../alerts/sanitize';
import { presentationFor } from '../alerts/emergency-content';
import { checkEscalation } from '../alerts/escalation-check';
import { TemplateRequest } from './template.dto';
import { TemplateDoc, TemplateRepository } from './template.repository';

export type TemplateView = Omit<TemplateDoc, '_id'> & { id: string };
const view = ({ _id, ...rest }: TemplateDoc): TemplateView => ({ id: _id, ...rest });
/** Who may see the templates: admins write them, the crisis team fires them, auditors review them. */
const TEMPLATE_READERS: readonly Role[] = ['admin', 'crisis', 'auditor'];

/** Pre-approved crisis templates: written and edited by admins only, so firing one needs no review. */
@Injectable()
export class TemplatesService {
  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly repo: TemplateRepository, private readonly audit: AuditTrail) {}

  async create(p: Principal, req: TemplateRequest): Promise<TemplateView> {
    requireRole(p, 'admin', 'creating a crisis template');
    checkEscalation(this.infra.env, req.severity, req.escalation, req.reminders);
    await this.checkAudience(req);
    const now = this.infra.clock.now().toISOString();
    const t: TemplateDoc = { _id: randomUUID(), ...this.content(req), version: 1, createdBy: p.userId, createdAt: now, updatedBy: p.userId, updatedAt: now };
    await this.repo.insert(t);
    await this.audit.record([{ id: `template:${t._id}:v1`, actor: p.userId, action: 'template.created', subject: `template:${t._id}`, details: { name: t.name, severity: t.severity, audience: t.audience } }]);
    return view(t);
  }

  async update(p: Principal, id: string, req: TemplateRequest): Promise<TemplateView> {
    requireRole(p, 'admin', 'editing a crisis template');
    const current = await this.find(id);
    checkEscalation(this.infra.env, req.severity, req.escalation, req.reminders);
    await this.checkAudience(req);
    if (!(await this.repo.update(id, current.version, { ...this.content(req), updatedBy: p.userId, updatedAt: this.infra.clock.now().toISOString() }))) {
      throw new ConflictError(`template ${id} was changed by someone else meanwhile; reload it and edit again`);
    }
    const t = (await this.repo.get(id))!;
    await this.audit.record([{ id: `template:${id}:v${t.version}`, actor: p.userId, action: 'template.updated', subject: `template:${id}`, details: { name: t.name, severity: t.severity, audience: t.audience, version: t.version } }]);
    return view(t);
  }

  async list(p: Principal): Promise<{ templates: TemplateView[] }> {
    requireRole(p, TEMPLATE_READERS, 'listing crisis templates');
    return { templates: (await this.repo.list()).map(view) };
  }

  async get(p: Principal, id: string): Promise<TemplateView> {
    requireRole(p, TEMPLATE_READERS, 'reading a crisis template');
    return view(await this.find(id));
  }

  /** For firing: the template itself, or 404. Role checks belong to the caller. */
  async find(id: string): Promise<TemplateDoc> {
    const t = await this.repo.get(id);
    if (!t) throw new NotFoundError(`template ${id} not found`);
    return t;
  }

  /** A template that names people or groups the directory does not know could not reach them when it matters. */
  private async checkAudience(req: TemplateRequest): Promise<void> {
    assertKnownAudience(await this.infra.bus.request(ResolveAudience, { audience: req.audience }));
  }

  private content(req: TemplateRequest): Omit<TemplateDoc, '_id' | 'version' | 'createdBy' | 'createdAt' | 'updatedBy' | 'updatedAt'> {
    const shown = presentationFor(req);
    return { name: req.name, title: req.title, body: sanitizeAlertBody(req.body), severity: req.severity, audience: req.audience, presentation: shown.presentation, responses: shown.responses ?? null, reminders: req.reminders ?? null, escalation: req.escalation ?? null };
  }
}
