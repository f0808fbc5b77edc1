export * from './collection';
export * from './sqlite.store';
export * from './mongo.store';
