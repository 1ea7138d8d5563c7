/** BridgeList and BridgeInfo (main/manager_bridges.c). */
import { bridgeFields, channelFields } from '../fields.js';
import { getHeader } from '../frame.js';
import { actionIdFields, sendError, sendListAck, sendListComplete } from '../response.js';
import type { ActionHandler } from './context.js';

export const bridgeList: ActionHandler = (ctx) => {
  const typeFilter = getHeader(ctx.message, 'BridgeType');
  const bridges = ctx.hub.core
    .listBridges()
    .filter((bridge) => typeFilter === '' || bridge.technology === typeFilter || bridge.bridgeClass === typeFilter)
    // Asterisk keeps bridges in a tree sorted by uniqueid (strcmp order).
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sendListAck(ctx, 'Bridge listing will follow');
  for (const bridge of bridges) {
    ctx.send([['Event', 'BridgeListItem'], ...actionIdFields(ctx.message), ...bridgeFields(bridge)]);
  }
  sendListComplete(ctx, 'BridgeListComplete', bridges.length);
};

export const bridgeInfo: ActionHandler = (ctx) => {
  const id = getHeader(ctx.message, 'BridgeUniqueid');
  if (id === '') return sendError(ctx, 'BridgeUniqueid must be provided');
  const core = ctx.hub.core;
  const bridge = core.listBridges().find((candidate) => candidate.id === id);
  if (!bridge) return sendError(ctx, 'Specified BridgeUniqueid not found');
  sendListAck(ctx, 'Bridge channel listing will follow');
  let count = 0;
  for (const channelId of bridge.channelIds) {
    const channel = core.findChannel(channelId);
    if (!channel) continue;
    count += 1;
    ctx.send([['Event', 'BridgeInfoChannel'], ...actionIdFields(ctx.message), ...channelFields(channel)]);
  }
  // The complete event carries the bridge itself after the list counters.
  sendListComplete(ctx, 'BridgeInfoComplete', count, bridgeFields(bridge));
  return undefined;
};
