export * from './backoff';
export * from './storage';
export * from './seen-store';
export * from './receipt-queue';
export * from './herald-client';
export * from './presentation';
