export * from './directory-source';
export * from './escape';
export * from './ldif';
export * from './password';
export * from './ldif.directory';
export * from './ldap.directory';
export * from './raw-filter';
