export * from './bus';
export * from './memory.bus';
export * from './rabbitmq.bus';
export * from './herald.transport';
