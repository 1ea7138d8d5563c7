/**
 * The action table and the checks manager.c `process_message`/`do_message` make before running an
 * action: parse errors, missing `Action`, not logged in, unknown action.
 */
import { getHeader } from '../frame.js';
import { sendError } from '../response.js';
import { dbDel, dbDelTree, dbGet, dbPut } from './astdb.js';
import { bridgeInfo, bridgeList } from './bridges.js';
import { coreShowChannels, status } from './channel-lists.js';
import { hangup, redirect } from './channel-control.js';
import type { ActionContext, ActionHandler } from './context.js';
import { command, coreSettings, coreStatus } from './core-info.js';
import { originate } from './originate.js';
import { pjsipShowContacts, pjsipShowEndpoints } from './pjsip.js';
import { queueStatus, queueSummary } from './queues.js';
import { challenge, events, login, logoff, ping } from './session-actions.js';
import { getvar, setvar } from './variables.js';

/** Keyed by lower-case name: Asterisk matches action names case-insensitively. */
const ACTIONS: ReadonlyMap<string, ActionHandler> = new Map(
  Object.entries({
    Login: login,
    Logoff: logoff,
    Challenge: challenge,
    Ping: ping,
    Events: events,
    Originate: originate,
    Redirect: redirect,
    Hangup: hangup,
    CoreShowChannels: coreShowChannels,
    Status: status,
    BridgeList: bridgeList,
    BridgeInfo: bridgeInfo,
    Getvar: getvar,
    Setvar: setvar,
    DBGet: dbGet,
    DBPut: dbPut,
    DBDel: dbDel,
    DBDelTree: dbDelTree,
    Command: command,
    CoreSettings: coreSettings,
    CoreStatus: coreStatus,
    QueueStatus: queueStatus,
    QueueSummary: queueSummary,
    PJSIPShowContacts: pjsipShowContacts,
    PJSIPShowEndpoints: pjsipShowEndpoints,
  }).map(([name, handler]) => [name.toLowerCase(), handler]),
);

/** Actions a session may send before it has logged in. */
const BEFORE_LOGIN = new Set(['login', 'logoff', 'challenge']);

export async function dispatchAction(ctx: ActionContext): Promise<void> {
  const { message } = ctx;
  if (message.tooManyLines) return sendError(ctx, 'Too many lines in message or allocation failure');
  if (message.lineTooLong) return sendError(ctx, 'Failed to parse message: line too long');
  const action = getHeader(message, 'Action', { skipEmpty: true });
  if (action === '') return sendError(ctx, 'Missing action in request');
  const key = action.toLowerCase();
  if (!ctx.session.isAuthenticated && !BEFORE_LOGIN.has(key)) return sendError(ctx, 'Permission denied');
  const handler = ACTIONS.get(key);
  if (!handler) {
    return sendError(ctx, `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`);
  }
  await handler(ctx);
}
