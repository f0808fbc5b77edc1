export * from './emergency-command';
