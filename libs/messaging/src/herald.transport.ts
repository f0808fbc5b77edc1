import { Server, CustomTransportStrategy, MessageHandler } from '@nestjs/microservices';
import { lastValueFrom, isObservable } from 'rxjs';
import { AnyContract } from '@herald/contracts';
import { Bus, MessageContext } from './bus';

/**
 * A NestJS microservice transport over Herald's bus port. Handlers are ordinary `@EventPattern(contract.key)`
 * and `@MessagePattern(contract.key)` methods; the transport refuses to start when a declared contract has no
 * handler or a handler matches no declared contract, so a typo can never silently drop messages.
 */
export class HeraldTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly bus: Bus, private readonly contracts: readonly AnyContract[]) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const handlers = this.getHandlers();
      const declared = new Set(this.contracts.map((c) => c.key));
      const missing = this.contracts.filter((c) => !handlers.has(c.key)).map((c) => c.key);
      const stray = [...handlers.keys()].filter((k) => !declared.has(k));
      if (missing.length || stray.length) {
        throw new Error(`bus handlers do not match contracts: ${missing.length ? `no handler for ${missing.join(', ')}` : ''}${missing.length && stray.length ? '; ' : ''}${stray.length ? `no contract for ${stray.join(', ')}` : ''}`);
      }
      for (const contract of this.contracts) {
        const handler = handlers.get(contract.key)!;
        if (contract.kind === 'event' && !handler.isEventHandler) throw new Error(`${contract.key} is an event: use @EventPattern`);
        if (contract.kind === 'rpc' && handler.isEventHandler) throw new Error(`${contract.key} is a request: use @MessagePattern`);
        const run = (payload: unknown, ctx: MessageContext) => invoke(handler, payload, ctx);
        if (contract.kind === 'event') await this.bus.consume(contract, async (p, ctx) => void (await run(p, ctx)));
        else await this.bus.serve(contract, run);
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    /* the bus is owned and closed by the runtime, which may share it between apps */
  }

  on(): never {
    throw new Error('HeraldTransport does not emit status events');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

async function invoke(handler: MessageHandler, payload: unknown, ctx: MessageContext): Promise<any> {
  const result = await handler(payload, ctx);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}
