export * from './logger';
export * from './metrics';
export * from './http-exception.filter';
export * from './health.controller';
