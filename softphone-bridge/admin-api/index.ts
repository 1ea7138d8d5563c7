/**
 * The admin API (`/api/v1/…`): configuration of the centre — merged-hotline routes, skills, agents,
 * expert seats, department contacts, IVR menus, blacklist, repeat-call policy — plus the audit log and
 * the missed-call list. One plugin per resource; this one wires them under one scope with the role
 * guard (the request validator and the JSON error shape are the whole server's, set in main.ts). See
 * README.md here for the role table.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CallTimings } from '../../cti/calls/call-timings.js';
import type { Db } from '../../store/index.js';
import type { Sessions } from '../auth/sessions.js';
import { agentsResource } from './agents-resource.js';
import type { RouteCatalogue } from './api-docs.js';
import { kpisResource } from './kpis-resource.js';
import { auditResource } from './audit-resource.js';
import { blacklistResource } from './blacklist-resource.js';
import { contactsResource } from './contacts-resource.js';
import type { LiveAgents, LiveQueue } from './deps.js';
import { expertSeatsResource } from './expert-seats-resource.js';
import { hotTopicsResource } from './hot-topics-resource.js';
import { lockoutsResource } from './lockouts-resource.js';
import { mattersResource } from './matters-resource.js';
import { menusResource } from './menus-resource.js';
import { metaResource } from './meta-resource.js';
import { missedCallsResource } from './missed-calls-resource.js';
import { promptsResource } from './prompts-resource.js';
import { repeatPolicyResource } from './repeat-policy-resource.js';
import { assertRolesDeclared, sessionGuard } from '../auth/session-guard.js';
import { routesResource } from './routes-resource.js';
import { settingsResource } from './settings-resource.js';
import { skillsResource } from './skills-resource.js';

export { registerApiDocs, RouteCatalogue } from './api-docs.js';

export interface AdminApiOptions {
  db: Db;
  sessions: Sessions;
  /** The live agent registry (`calls.agents`). */
  agents: LiveAgents;
  /** The live waiting line (`calls.queue`). */
  queue: LiveQueue;
  /** From `registerApiDocs`. */
  catalogue: RouteCatalogue;
  /** Where generated prompts are written (Asterisk's sounds/zh); unset: the server generates none. */
  promptsDir?: string | undefined;
  /** The server's configured call timings, in force until an admin sets `call-timings`. */
  configuredTimings: CallTimings;
}

export const adminApi: FastifyPluginAsync<AdminApiOptions> = async (app, { db, sessions, agents, queue, catalogue, promptsDir, configuredTimings }) => {
  app.addHook('onRoute', assertRolesDeclared);
  app.addHook('onRequest', sessionGuard(sessions));

  const deps = { prefix: '/api/v1', db, agents, queue, sessions };
  await app.register(routesResource, deps);
  await app.register(skillsResource, deps);
  await app.register(agentsResource, deps);
  await app.register(expertSeatsResource, deps);
  await app.register(contactsResource, deps);
  await app.register(menusResource, deps);
  await app.register(promptsResource, { ...deps, promptsDir });
  await app.register(blacklistResource, deps);
  await app.register(repeatPolicyResource, deps);
  await app.register(settingsResource, { ...deps, configuredTimings });
  await app.register(auditResource, deps);
  await app.register(missedCallsResource, deps);
  await app.register(kpisResource, deps);
  await app.register(hotTopicsResource, deps);
  await app.register(lockoutsResource, deps);
  await app.register(mattersResource, deps);
  await app.register(metaResource, { ...deps, catalogue });
};
