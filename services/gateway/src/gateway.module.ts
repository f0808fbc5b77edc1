import { DynamicModule, Module } from '@nestjs/common';
import { AlertFanout, AlertRecalled } from '@herald/contracts';
import { Infra, INFRA, ServiceDefinition } from '@herald/runtime';
import { FanoutHandler } from './sockets/fanout.handler';
import { GatewayService } from './sockets/gateway.service';
import { RecallHandler } from './sockets/recall.handler';
import { WebClientController } from './web/web-client.controller';

/** Gateway: Socket.IO for recipients plus the web client page. Stateless; run as many as needed. */
@Module({})
export class GatewayModule {
  static register(infra: Infra): DynamicModule {
    return { module: GatewayModule, controllers: [FanoutHandler, RecallHandler, WebClientController], providers: [{ provide: INFRA, useValue: infra }, GatewayService] };
  }
}

export const gatewayService: ServiceDefinition = { name: 'gateway', contracts: [AlertFanout, AlertRecalled], module: (infra) => GatewayModule.register(infra) };
