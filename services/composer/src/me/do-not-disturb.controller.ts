import { Body, Controller, Get, Put } from '@nestjs/common';
import { CurrentPrincipal, Principal } from '@herald/auth';
import { DoNotDisturb, DoNotDisturbSchema } from '@herald/contracts';
import { ZodPipe } from '@herald/runtime';
import { DoNotDisturbService } from './do-not-disturb.service';

/** The signed-in user's own settings. */
@Controller('api/me/do-not-disturb')
export class DoNotDisturbController {
  constructor(private readonly dnd: DoNotDisturbService) {}

  @Get()
  get(@CurrentPrincipal() p: Principal) {
    return this.dnd.get(p);
  }

  /** Replaces the settings: `{quietHours: {days, from, to, timezone} | null, until: ISO time | null}`; both null turns it off. */
  @Put()
  set(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(DoNotDisturbSchema)) settings: DoNotDisturb) {
    return this.dnd.set(p, settings);
  }
}
