/**
 * DBGet, DBPut, DBDel and DBDelTree (main/manager.c `action_dbget` … `action_dbdeltree`) over the
 * core's AstDB. Not recorded (see the README, "Outage path (not recorded)"): the framing follows
 * manager.c — DBGet is a list action (`Result will follow`, one `DBGetResponse`, `DBGetComplete`).
 */
import { getHeader } from '../frame.js';
import { actionIdFields, sendAck, sendError, sendListAck, sendListComplete } from '../response.js';
import type { ActionContext, ActionHandler } from './context.js';

function familyAndKey(ctx: ActionContext, keyRequired: boolean): { family: string; key: string } | undefined {
  const family = getHeader(ctx.message, 'Family');
  const key = getHeader(ctx.message, 'Key');
  if (family === '') {
    sendError(ctx, 'No family specified.');
    return undefined;
  }
  if (keyRequired && key === '') {
    sendError(ctx, 'No key specified.');
    return undefined;
  }
  return { family, key };
}

export const dbGet: ActionHandler = (ctx) => {
  const path = familyAndKey(ctx, true);
  if (!path) return;
  const value = ctx.hub.core.astdb?.get(path.family, path.key);
  if (value === undefined) return sendError(ctx, 'Database entry not found');
  sendListAck(ctx, 'Result will follow');
  ctx.send([['Event', 'DBGetResponse'], ['Family', path.family], ['Key', path.key], ['Val', value], ...actionIdFields(ctx.message)]);
  sendListComplete(ctx, 'DBGetComplete', 1);
};

export const dbPut: ActionHandler = (ctx) => {
  const path = familyAndKey(ctx, true);
  if (!path) return;
  const db = ctx.hub.core.astdb;
  if (!db) return sendError(ctx, 'Failed to update entry');
  db.put(path.family, path.key, getHeader(ctx.message, 'Val'));
  sendAck(ctx, 'Updated database successfully');
};

export const dbDel: ActionHandler = (ctx) => {
  const path = familyAndKey(ctx, true);
  if (!path) return;
  if (!ctx.hub.core.astdb?.del(path.family, path.key)) return sendError(ctx, 'Database entry not found');
  sendAck(ctx, 'Key deleted successfully');
};

export const dbDelTree: ActionHandler = (ctx) => {
  const path = familyAndKey(ctx, false);
  if (!path) return;
  const n = ctx.hub.core.astdb?.delTree(path.family, path.key) ?? 0;
  if (n === 0) return sendError(ctx, 'Database entry not found');
  sendAck(ctx, 'Key tree deleted successfully');
};
