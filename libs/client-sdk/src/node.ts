// Node-only additions (kept out of index.ts so the browser bundle never pulls in node:fs).
export * from './index';
export * from './file-storage';
