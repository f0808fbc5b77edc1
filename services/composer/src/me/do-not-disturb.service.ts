import { Inject, Injectable } from '@nestjs/common';
import { DoNotDisturb, DoNotDisturbView, GetDoNotDisturb, SetDoNotDisturb } from '@herald/contracts';
import { Principal, requireRole } from '@herald/auth';
import { Infra, INFRA } from '@herald/runtime';

/**
 * A recipient's own do-not-disturb settings. Delivery owns them (it decides, per recipient, what to hold back at
 * every dispatch); the composer serves the HTTP side for the signed-in user only — there is no way to read or
 * change someone else's.
 */
@Injectable()
export class DoNotDisturbService {
  constructor(@Inject(INFRA) private readonly infra: Infra) {}

  get(p: Principal): Promise<DoNotDisturbView> {
    requireRole(p, 'recipient', 'reading do-not-disturb settings');
    return this.infra.bus.request(GetDoNotDisturb, { userId: p.userId });
  }

  set(p: Principal, settings: DoNotDisturb): Promise<DoNotDisturbView> {
    requireRole(p, 'recipient', 'changing do-not-disturb settings');
    return this.infra.bus.request(SetDoNotDisturb, { userId: p.userId, settings });
  }
}
