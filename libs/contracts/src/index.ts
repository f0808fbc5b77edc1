export * from './contract';
export * from './errors';
export * from './alerts';
export * from './deliveries';
export * from './audit';
export * from './messages';
export * from './socket-events';
export * from './schedules';
