/** The admin API's resources name their roles with the session guard's role lists. */
export { ADMIN, EVERYONE, STAFF, assertRolesDeclared, sessionGuard, sessionOf } from '../auth/session-guard.js';
