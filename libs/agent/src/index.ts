export * from './agent';
export * from './config';
export * from './desktop';
export * from './text';
