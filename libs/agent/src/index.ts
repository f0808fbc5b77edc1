export * from './agent';
export * from './config';
export * from './desktop';
export * from './do-not-disturb-command';
export * from './text';
