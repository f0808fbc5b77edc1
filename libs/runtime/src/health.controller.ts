import { Controller, Get, Headers, HttpCode, Inject, Res } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { NotFoundError, UnauthorizedError } from '@herald/contracts';
import { bearer, Public } from '@herald/auth';
import { registry } from '@herald/observability';
import { Infra, INFRA } from './infra';

interface Reply {
  status(code: number): Reply;
  type(t: string): Reply;
  send(body: unknown): void;
}

/**
 * Liveness and readiness are open (probes need them; they reveal nothing). Metrics need `Authorization: Bearer
 * <METRICS_TOKEN>` and are off when no token is configured, so they never leak through a public ingress.
 */
@Controller()
export class HealthController {
  constructor(@Inject(INFRA) private readonly infra: Infra) {}

  @Public()
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  @HttpCode(200)
  async ready(@Res() res: Reply): Promise<void> {
    const problems = await this.infra.readiness();
    res.status(problems.length ? 503 : 200).send(problems.length ? { status: 'not-ready', problems } : { status: 'ready' });
  }

  @Public()
  @Get('metrics')
  async metrics(@Headers('authorization') auth: string | undefined, @Res() res: Reply): Promise<void> {
    const expected = this.infra.env.METRICS_TOKEN;
    if (!expected) throw new NotFoundError('metrics are disabled: set METRICS_TOKEN to enable them');
    const given = Buffer.from(bearer(auth) ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new UnauthorizedError('metrics need Authorization: Bearer <METRICS_TOKEN>');
    res.status(200).type(registry.contentType).send(await registry.metrics());
  }
}
