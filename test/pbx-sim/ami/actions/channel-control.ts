/** Redirect and Hangup (main/manager.c `action_redirect`, `ast_manager_hangup_helper`). */
import { inAsteriskChannelOrder } from '../fields.js';
import { getHeader } from '../frame.js';
import { actionIdFields, sendAck, sendError, sendListAck, sendListComplete } from '../response.js';
import type { ActionContext, ActionHandler } from './context.js';

function parsePriority(text: string): number | undefined {
  const match = /^\s*([+-]?\d+)/.exec(text);
  // Asterisk would also look the text up as a priority label; the simulator's dialplan has none.
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
}

export const redirect: ActionHandler = (ctx) => {
  const header = (key: string): string => getHeader(ctx.message, key);
  const name = header('Channel');
  const name2 = header('ExtraChannel');
  const exten = header('Exten');
  const exten2 = header('ExtraExten');
  const context = header('Context');
  const context2 = header('ExtraContext');
  const priorityText = header('Priority');
  const priority2Text = header('ExtraPriority');

  if (name === '') return sendError(ctx, 'Channel not specified');
  if (context === '') return sendError(ctx, 'Context not specified');
  if (exten === '') return sendError(ctx, 'Exten not specified');
  if (priorityText === '') return sendError(ctx, 'Priority not specified');
  const priority = parsePriority(priorityText);
  if (priority === undefined || priority < 1) return sendError(ctx, 'Priority is invalid');
  let priority2 = 0;
  if (name2 !== '' && context2 !== '') {
    if (exten2 === '') return sendError(ctx, 'ExtraExten not specified');
    if (priority2Text === '') return sendError(ctx, 'ExtraPriority not specified');
    priority2 = parsePriority(priority2Text) ?? 0;
    if (priority2 < 1) return sendError(ctx, 'ExtraPriority is invalid');
  }

  const core = ctx.hub.core;
  const channel = core.findChannel(name);
  if (!channel) return sendError(ctx, `Channel does not exist: ${name}`);
  if (name2 === '') {
    if (!tryRedirect(ctx, channel.id, context, exten, priority)) return sendError(ctx, 'Redirect failed');
    return sendAck(ctx, 'Redirect successful');
  }
  const channel2 = core.findChannel(name2);
  if (!channel2) return sendError(ctx, `ExtraChannel does not exist: ${name2}`);
  if (!tryRedirect(ctx, channel.id, context, exten, priority)) return sendError(ctx, 'Redirect failed');
  // Without ExtraContext the second channel goes where the first one went.
  const secondOk =
    context2 !== '' ? tryRedirect(ctx, channel2.id, context2, exten2, priority2) : tryRedirect(ctx, channel2.id, context, exten, priority);
  if (!secondOk) return sendError(ctx, 'Secondary redirect failed');
  return sendAck(ctx, 'Dual Redirect successful');
};

function tryRedirect(ctx: ActionContext, channelId: string, context: string, exten: string, priority: number): boolean {
  try {
    ctx.hub.core.redirect(channelId, context, exten, priority);
    return true;
  } catch {
    return false;
  }
}

/** `Channel: name` hangs up one channel; `Channel: /regex/` hangs up every match and lists them. */
export const hangup: ActionHandler = (ctx) => {
  const nameOrRegex = getHeader(ctx.message, 'Channel');
  const causeText = getHeader(ctx.message, 'Cause');
  if (nameOrRegex === '') return sendError(ctx, 'No channel specified');

  // An invalid cause is ignored: better to hang up without one than not at all.
  let cause: number | undefined;
  if (causeText !== '' && /^\d+$/.test(causeText)) {
    const value = Number.parseInt(causeText, 10);
    if (value > 0 && value <= 127) cause = value;
  }
  const core = ctx.hub.core;

  if (!nameOrRegex.startsWith('/')) {
    const channel = core.findChannel(nameOrRegex);
    if (!channel) return sendError(ctx, 'No such channel');
    safeHangup(ctx, channel.id, cause);
    return sendAck(ctx, 'Channel Hungup');
  }

  if (nameOrRegex.length < 2 || !nameOrRegex.endsWith('/')) {
    return sendError(ctx, 'Regex format invalid, Channel param should be /regex/');
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(nameOrRegex.slice(1, -1));
  } catch {
    return sendError(ctx, `Regex compile failed on: ${nameOrRegex}`);
  }
  sendListAck(ctx, 'Channels hung up will follow');
  // Asterisk iterates channels that all still exist while their hangups are pending; here a hangup
  // may take a Local partner down at once, so match first and hang up what is still there.
  const matched = inAsteriskChannelOrder(core.listChannels()).filter((channel) => pattern.test(channel.name));
  for (const channel of matched) {
    if (core.findChannel(channel.id)) safeHangup(ctx, channel.id, cause);
    ctx.send([['Event', 'ChannelHungup'], ['Channel', channel.name], ...actionIdFields(ctx.message)]);
  }
  sendListComplete(ctx, 'ChannelsHungupListComplete', matched.length);
  return undefined;
};

function safeHangup(ctx: ActionContext, channelId: string, cause: number | undefined): void {
  try {
    ctx.hub.core.hangup(channelId, cause);
  } catch {
    // Already gone: the outcome the client asked for.
  }
}
