import { Controller, Get, Header, Res } from '@nestjs/common';
import { Public } from '@herald/auth';
import { registry } from './metrics';

/** Liveness, readiness and Prometheus metrics; open without a token so probes and scrapers can reach them. */
@Controller()
export class HealthController {
  @Public()
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  ready(): { status: 'ready' } {
    return { status: 'ready' };
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', registry.contentType)
  async metrics(): Promise<string> {
    return registry.metrics();
  }
}
