export * from './servers';
export * from './factories';
export * from './herald-client';
export * from './harness';
export * from './directory-generator';
export * from './session';
export * from './tcp-switch';
export * from './browser';
