import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AnyContract } from '@herald/contracts';
import { ServiceName } from '@herald/config';
import { AuthGuard } from '@herald/auth';
import { HeraldTransport } from '@herald/messaging';
import { HttpExceptionFilter } from '@herald/observability';
import { HealthController } from './health.controller';
import { Infra, INFRA } from './infra';
import { AuditTrail } from './audit-trail';
import { RefusalAuditFilter } from './refusal-audit.filter';

/**
 * Largest JSON body accepted: an audience may name 10,000 users (AudienceSchema) of up to 256 characters each.
 * Express's default (100 kB) refused a 10,000-user audience; a larger body is a 413 naming `body`.
 */
const JSON_BODY_LIMIT = 4 * 1024 * 1024;

/** What each service contributes to a process: its Nest module and the bus contracts it consumes. */
export interface ServiceDefinition {
  name: ServiceName;
  contracts: readonly AnyContract[];
  module(infra: Infra): DynamicModule;
}

export interface RunningHerald {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Boots one process holding `services`: one Nest application (HTTP + the bus transport), authenticated by
 * default, with health and metrics routes. A service's main boots one definition; single-node boots them all.
 */
export async function bootHerald(processName: string, services: ServiceDefinition[], infra: Infra): Promise<RunningHerald> {
  @Module({
    imports: services.map((s) => s.module(infra)),
    controllers: [HealthController],
    providers: [{ provide: INFRA, useValue: infra }, { provide: APP_GUARD, useFactory: (r: Reflector) => new AuthGuard(infra.tokens, r), inject: [Reflector] }],
  })
  class HeraldProcessModule {}

  const logger = infra.logger(processName);
  const app = await NestFactory.create<NestExpressApplication>(HeraldProcessModule, { logger, abortOnError: false });
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  if (infra.env.TRUST_PROXY) app.getHttpAdapter().getInstance().set('trust proxy', /^\d+$/.test(infra.env.TRUST_PROXY) ? Number(infra.env.TRUST_PROXY) : infra.env.TRUST_PROXY);
  app.useGlobalFilters(new RefusalAuditFilter(new AuditTrail(infra), new HttpExceptionFilter(logger), logger));
  app.connectMicroservice({ strategy: new HeraldTransport(infra.bus, services.flatMap((s) => s.contracts)) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(infra.env.PORT, infra.env.HOST);
  const address = app.getHttpServer().address() as { port: number };
  const host = infra.env.HOST === '0.0.0.0' ? 'localhost' : infra.env.HOST;
  const url = infra.env.PUBLIC_URL || `http://${host}:${address.port}`;
  logger.write('info', 'listening', { url, services: services.map((s) => s.name) });
  return {
    app,
    url,
    close: async () => {
      await app.close();
      await infra.close();
    },
  };
}
