import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JsonLogger } from '@herald/observability';
import { Infra, INFRA } from '@herald/runtime';
import { DoNotDisturbService } from './do-not-disturb.service';

/** Every DND_RELEASE_TICK_MS, pushes the alerts held for recipients whose quiet period has ended. */
@Injectable()
export class HoldReleaser implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly log: JsonLogger;

  constructor(@Inject(INFRA) private readonly infra: Infra, private readonly dnd: DoNotDisturbService) {
    this.log = infra.logger('delivery');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((err: Error) => this.log.write('error', 'releasing held alerts failed', { error: err.message })), this.infra.env.DND_RELEASE_TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Releases what is due now; one run at a time per process. Returns how many deliveries were pushed. */
  tick(): Promise<number> {
    this.running ??= this.dnd.release().finally(() => (this.running = undefined));
    return this.running;
  }
}
