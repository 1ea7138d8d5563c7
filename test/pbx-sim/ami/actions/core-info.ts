/** Command, CoreSettings and CoreStatus (main/manager.c). */
import { runCli } from '../cli.js';
import { getHeader } from '../frame.js';
import { responseHead, sendError } from '../response.js';
import type { ActionHandler } from './context.js';

/** manager.c's `command_blacklist`. */
const BLACKLIST = [['module', 'load'], ['module', 'unload']];

export const command: ActionHandler = (ctx) => {
  const cmd = getHeader(ctx.message, 'Command');
  if (cmd === '') return sendError(ctx, 'No command provided');
  const words = cmd.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (BLACKLIST.some((entry) => entry.every((word, i) => words[i] === word))) return sendError(ctx, 'Command blacklisted');
  const result = runCli(ctx.hub, cmd);
  // Since Asterisk 14 every output line is an `Output:` header; the output is split at each `\n`,
  // so output ending in a newline ends with an empty `Output:` line.
  ctx.send([
    ...responseHead(ctx.message, result.ok ? 'Success' : 'Error'),
    ['Message', 'Command output follows'],
    ...result.text.split('\n').map((line) => ['Output', line] as const),
  ]);
  return undefined;
};

/** AMI protocol version, the same one the banner announces. */
const AMI_VERSION = '11.0.0';

export const coreSettings: ActionHandler = (ctx) => {
  ctx.send([
    ...responseHead(ctx.message),
    ['AMIversion', AMI_VERSION],
    ['AsteriskVersion', ctx.hub.core.version],
    ['SystemName', ctx.hub.core.systemName],
    ['CoreMaxCalls', '0'],
    ['CoreMaxLoadAvg', '0.000000'],
    ['CoreRunUser', ''],
    ['CoreRunGroup', ''],
    ['CoreMaxFilehandles', '0'],
    ['CoreRealTimeEnabled', 'No'],
    ['CoreCDRenabled', 'Yes'],
    ['CoreHTTPenabled', 'Yes'],
    ['SoundsSearchCustomDir', 'No'],
  ]);
};

export const coreStatus: ActionHandler = (ctx) => {
  const started = ctx.hub.startedAt.toISOString();
  const date = started.slice(0, 10);
  const time = started.slice(11, 19);
  ctx.send([
    ...responseHead(ctx.message),
    ['CoreStartupDate', date],
    ['CoreStartupTime', time],
    ['CoreReloadDate', date],
    ['CoreReloadTime', time],
    ['CoreCurrentCalls', String(ctx.hub.core.listChannels().length)],
    ['CoreProcessedCalls', String(ctx.hub.processedCalls)],
  ]);
};
