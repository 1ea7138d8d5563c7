/** CoreShowChannels and Status: channel listings (main/manager.c, main/manager_channels.c). */
import type { ChannelSnapshot } from '../../core/events.js';
import { bridgeIdOf, channelFields, channelTechnology, formatDuration, inAsteriskChannelOrder, orUnknown, secondsSince } from '../fields.js';
import type { AmiField } from '../frame.js';
import { getHeader } from '../frame.js';
import { actionIdFields, sendError, sendListAck, sendListComplete } from '../response.js';
import type { ActionHandler } from './context.js';
import { readVariable } from './variables.js';

export const coreShowChannels: ActionHandler = (ctx) => {
  const channels = inAsteriskChannelOrder(ctx.hub.core.listChannels());
  const bridges = ctx.hub.core.listBridges();
  sendListAck(ctx, 'Channels will follow');
  for (const channel of channels) {
    ctx.send([
      ['Event', 'CoreShowChannel'],
      ...actionIdFields(ctx.message),
      ...channelFields(channel),
      ['Application', channel.dialplan.appName],
      ['ApplicationData', channel.dialplan.appData],
      ['Duration', formatDuration(secondsSince(channel.creationTime))],
      ['BridgeId', bridgeIdOf(channel.id, bridges)],
    ]);
  }
  sendListComplete(ctx, 'CoreShowChannelsComplete', channels.length);
};

/** Media formats the simulator pretends to use: Local channels run signed linear, SIP phones ulaw. */
function formatOf(channel: ChannelSnapshot): string {
  return channelTechnology(channel.name) === 'Local' ? 'slin' : 'ulaw';
}

export const status: ActionHandler = (ctx) => {
  const name = getHeader(ctx.message, 'Channel');
  const core = ctx.hub.core;
  let channels: ChannelSnapshot[];
  if (name === '' || name.toLowerCase() === 'all') {
    channels = inAsteriskChannelOrder(core.listChannels());
  } else {
    const channel = core.findChannel(name);
    if (!channel) return sendError(ctx, 'No such channel');
    channels = [channel];
  }
  const variableNames = getHeader(ctx.message, 'Variables')
    .split(',')
    .map((variable) => variable.trim())
    .filter((variable) => variable !== '');
  const bridges = core.listBridges();
  sendListAck(ctx, 'Channel status will follow');
  for (const channel of channels) {
    const format = formatOf(channel);
    const variables: AmiField[] = variableNames.map((variable) => [
      'Variable',
      `${variable}=${readVariable(ctx.hub, channel, variable)}`,
    ]);
    ctx.send([
      ['Event', 'Status'],
      // Hard-coded in manager.c, unlike the `call,all` of broadcast events.
      ['Privilege', 'Call'],
      ...channelFields(channel),
      ['Type', channelTechnology(channel.name)],
      ['DNID', ''],
      ['EffectiveConnectedLineNum', orUnknown(channel.connected.number)],
      ['EffectiveConnectedLineName', orUnknown(channel.connected.name)],
      ['TimeToHangup', '0'],
      ['BridgeID', bridgeIdOf(channel.id, bridges)],
      ['Application', channel.dialplan.appName],
      ['Data', channel.dialplan.appData],
      ['Nativeformats', `(${format})`],
      ['Readformat', format],
      ['Readtrans', ''],
      ['Writeformat', format],
      ['Writetrans', ''],
      ['Callgroup', '0'],
      ['Pickupgroup', '0'],
      ['Seconds', String(secondsSince(channel.creationTime))],
      ...variables,
      ...actionIdFields(ctx.message),
    ]);
  }
  sendListComplete(ctx, 'StatusComplete', channels.length, [['Items', String(channels.length)]]);
  return undefined;
};
