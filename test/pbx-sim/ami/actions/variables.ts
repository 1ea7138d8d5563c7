/** Getvar and Setvar (main/manager.c `action_getvar`, `action_setvar`). */
import { readDbFunction, writeDbFunction } from '../../core/astdb.js';
import type { ChannelSnapshot } from '../../core/events.js';
import { getHeader } from '../frame.js';
import type { AmiHub } from '../hub.js';
import { responseHead, sendAck, sendError } from '../response.js';
import type { ActionHandler } from './context.js';

/** Dialplan functions the simulator can answer from a channel snapshot. */
function readFunction(channel: ChannelSnapshot, name: string): string | undefined {
  const match = /^([A-Z_]+)\((.*)\)$/i.exec(name);
  if (!match) return undefined;
  const fn = (match[1] ?? '').toUpperCase();
  const arg = (match[2] ?? '').trim().toLowerCase();
  if (fn === 'CALLERID' || fn === 'CONNECTEDLINE') {
    const party = fn === 'CALLERID' ? channel.caller : channel.connected;
    if (arg === 'num' || arg === 'number') return party.number;
    if (arg === 'name') return party.name;
    if (arg === 'all') return party.name ? `"${party.name}" <${party.number}>` : party.number;
    return undefined;
  }
  if (fn === 'CHANNEL') {
    const values: Record<string, string> = {
      name: channel.name,
      uniqueid: channel.id,
      linkedid: channel.linkedId,
      state: channel.state,
      language: channel.language,
      accountcode: channel.accountCode,
      context: channel.dialplan.context,
      exten: channel.dialplan.exten,
      channeltype: channel.name.split('/')[0] ?? '',
    };
    return values[arg];
  }
  return undefined;
}

/** The core's answer, or undefined when it has none or refuses. */
function fromCore(hub: AmiHub, channelId: string, name: string): string | undefined {
  try {
    return hub.core.getVariable(channelId, name);
  } catch {
    return undefined;
  }
}

/**
 * A variable the way `pbx_retrieve_variable` finds it: the core first (channel variables, and the
 * functions and built-ins it knows), then built-ins and functions answered from the snapshot, then
 * globals set over AMI. `NAME(args)` is a function read; without a channel it reads nothing.
 */
export function readVariable(hub: AmiHub, channel: ChannelSnapshot | undefined, name: string): string {
  if (channel) {
    const value = fromCore(hub, channel.id, name);
    if (value !== undefined) return value;
    if (name.endsWith(')')) return readFunction(channel, name) ?? '';
    const builtins: Record<string, string> = {
      EXTEN: channel.dialplan.exten,
      CONTEXT: channel.dialplan.context,
      PRIORITY: String(channel.dialplan.priority),
      CHANNEL: channel.name,
      UNIQUEID: channel.id,
    };
    const builtin = builtins[name];
    if (builtin !== undefined) return builtin;
  } else if (name.endsWith(')')) {
    // action_getvar reads a function on a dummy channel; AMI is an external protocol, so the
    // escalating ones (DB, DB_DELETE) read nothing.
    const db = hub.core.astdb ? readDbFunction(hub.core.astdb, name, true) : undefined;
    return db ?? '';
  }
  if (name === 'EPOCH') return String(Math.floor(Date.now() / 1000));
  if (name === 'SYSTEMNAME') return hub.core.systemName;
  return hub.globals.get(name) ?? '';
}

export const getvar: ActionHandler = (ctx) => {
  const name = getHeader(ctx.message, 'Channel');
  const variable = getHeader(ctx.message, 'Variable');
  if (variable === '') return sendError(ctx, 'No variable specified');
  let channel: ChannelSnapshot | undefined;
  if (name !== '') {
    channel = ctx.hub.core.findChannel(name);
    if (!channel) return sendError(ctx, 'No such channel');
  }
  const value = readVariable(ctx.hub, channel, variable);
  ctx.send([...responseHead(ctx.message), ['Variable', variable], ['Value', value]]);
  return undefined;
};

export const setvar: ActionHandler = (ctx) => {
  const name = getHeader(ctx.message, 'Channel');
  const variable = getHeader(ctx.message, 'Variable');
  const value = getHeader(ctx.message, 'Value');
  if (variable === '') return sendError(ctx, 'No variable specified');
  if (name === '') {
    // No channel: a function write (pbx_builtin_setvar_helper → ast_func_write: DB_DELETE deletes;
    // DB is refused from AMI), else a global variable, which the core does not model.
    if (variable.endsWith(')')) {
      const db = ctx.hub.core.astdb;
      if (db && writeDbFunction(db, variable, value, true)) return sendAck(ctx, 'Variable Set');
      return sendError(ctx, 'Variable not set');
    }
    ctx.hub.globals.set(variable, value);
    return sendAck(ctx, 'Variable Set');
  }
  const channel = ctx.hub.core.findChannel(name);
  if (!channel) return sendError(ctx, 'No such channel');
  try {
    ctx.hub.core.setVariable(channel.id, variable, value);
  } catch {
    return sendError(ctx, 'Variable not set');
  }
  return sendAck(ctx, 'Variable Set');
};
