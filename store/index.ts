/** The store's public surface: open the database, and the typed repositories. */
export { openStore, type Db, type Store } from './db.js';
export { StoreError, type StoreErrorKind } from './errors.js';
export * from './schema.js';
export * from './repos/agents.js';
export * from './repos/audit.js';
export * from './repos/blacklist.js';
export * from './repos/calendar.js';
export * from './repos/callbacks.js';
export * from './repos/call-stats.js';
export * from './repos/calls.js';
export * from './repos/directory.js';
export * from './repos/menus.js';
export * from './repos/missed-calls.js';
export * from './repos/routes.js';
export * from './repos/settings.js';
export * from './repos/skills.js';
export * from './repos/tickets.js';
export { seedDemo } from './seed-demo.js';
