// MongoDB roles for the audit trail (run with mongosh as a user administrator):
//   mongosh "mongodb://ADMIN@HOST/admin" --eval 'const prefix = "herald_"' deploy/mongodb/audit-roles.js
// then create the users (passwords out of band) and give the audit Deployment its own MONGODB_URL with the
// appender's credentials, e.g. a separate key of the herald-secrets Secret mounted only into the audit pods.
//
// heraldAuditAppender: what the audit service needs — read, insert and create its indexes. No update, no remove:
//   a compromised audit process cannot rewrite history, and anything done to the records out of band is named by
//   `herald audit verify`. Note: FerretDB v1 (used by CI) does not enforce roles; this is for MongoDB.
// heraldAuditPurger: the explicit retention job only (`remove` on the records, insert of the purge checkpoint).
const auditDb = `${typeof prefix === 'string' ? prefix : 'herald_'}audit`;
const collections = ['audit_chain', 'audit_ids', 'audit_chains', 'audit_checkpoints'];
const on = (actions) => collections.map((collection) => ({ resource: { db: auditDb, collection }, actions }));
const admin = db.getSiblingDB('admin');

admin.createRole({
  role: 'heraldAuditAppender',
  privileges: on(['find', 'insert', 'createIndex', 'createCollection', 'listIndexes']),
  roles: [],
});
admin.createRole({
  role: 'heraldAuditPurger',
  privileges: [...on(['find', 'insert', 'createIndex', 'listIndexes']), { resource: { db: auditDb, collection: 'audit_chain' }, actions: ['remove'] }],
  roles: [],
});
// Example users (set the passwords yourself):
//   admin.createUser({ user: 'herald-audit', pwd: passwordPrompt(), roles: ['heraldAuditAppender'] })
//   admin.createUser({ user: 'herald-audit-purge', pwd: passwordPrompt(), roles: ['heraldAuditPurger'] })
