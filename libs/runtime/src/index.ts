export * from './clock';
export * from './infra';
export * from './boot';
export * from './audit-trail';
export * from './run-service';
export * from './zod.pipe';
export * from './health.controller';
