/** `/ari/bridges` (resource_bridges.c). */
import type { Channel } from '../../core/channel.js';
import type { Pbx } from '../../core/pbx.js';
import { HttpError } from '../http.js';
import type { HttpResult, Params } from '../http.js';
import { bridgeJson, liveRecordingJson, playbackJson } from '../json.js';
import type { Router } from '../router.js';
import { core, findStasisBridge, mediaList, NO_CONTENT } from './common.js';
import { parseRecordingOptions } from './recording-options.js';

const TYPES = new Set(['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label']);

/** `control_list_create`: every listed channel must exist (400) and be in Stasis (422). */
function channelList(pbx: Pbx, p: Params): Channel[] {
  const ids = p.list('channel');
  if (ids.length === 0) throw new HttpError(400, 'Missing parameter channel');
  return ids.map((id) => {
    const ch = pbx.channel(id);
    if (!ch) throw new HttpError(400, 'Channel not found');
    if (!ch.stasis) throw new HttpError(422, 'Channel not in Stasis application');
    return ch;
  });
}

export function bridgeRoutes(router: Router, pbx: Pbx): void {
  const create = (p: Params, id: string | undefined): HttpResult => {
    const flags = (p.str('type') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    if (flags.some((t) => !TYPES.has(t))) throw new HttpError(500, 'Unable to create bridge');
    if (id !== undefined) {
      const existing = pbx.bridges.get(id);
      if (existing) {
        const name = p.text('name');
        if (name && name !== existing.name) throw new HttpError(500, 'Changing bridge name is not implemented');
        if (flags.length > 0) throw new HttpError(500, 'Supplying a bridge type when updating a bridge is not allowed.');
        return { status: 200, body: bridgeJson(existing.snapshot()) };
      }
    }
    const bridge = core(() =>
      pbx.bridging.create({
        ...(id !== undefined ? { id } : {}),
        name: p.str('name') ?? '',
        type: flags.includes('holding') ? 'holding' : 'mixing',
        flags,
        bridgeClass: 'stasis',
        // No app owns it: apps subscribe when their channels enter (and stay until it is destroyed).
        creator: 'Stasis',
      }),
    );
    return { status: 200, body: bridgeJson(bridge.snapshot()) };
  };

  router.on('GET', '/bridges', () => ({ status: 200, body: pbx.listBridges().map(bridgeJson) }));
  router.on('POST', '/bridges', (p) => create(p, p.text('bridgeId')));
  router.on('POST', '/bridges/{bridgeId}', (p) => create(p, p.path['bridgeId']));

  router.on('GET', '/bridges/{bridgeId}', (p) => {
    const bridge = pbx.bridges.get(p.path['bridgeId'] ?? '');
    if (!bridge) throw new HttpError(404, 'Bridge not found');
    return { status: 200, body: bridgeJson(bridge.snapshot()) };
  });

  router.on('DELETE', '/bridges/{bridgeId}', (p) => {
    pbx.bridging.destroy(findStasisBridge(pbx, p.path['bridgeId'] ?? ''));
    return NO_CONTENT;
  });

  router.on('POST', '/bridges/{bridgeId}/addChannel', (p) => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    const channels = channelList(pbx, p);
    const recording = channels.find((c) => c.recording !== undefined);
    if (recording) throw new HttpError(409, `Channel ${recording.id} currently recording`);
    const inhibit = p.bool('inhibitConnectedLineUpdates');
    const role = p.text('role');
    for (const ch of channels) {
      if (role !== undefined) bridge.roles.set(ch.id, role);
      else bridge.roles.delete(ch.id);
      pbx.bridging.enter(bridge, ch, { inhibitConnectedLine: inhibit });
    }
    return NO_CONTENT;
  });

  router.on('POST', '/bridges/{bridgeId}/removeChannel', (p) => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    const channels = channelList(pbx, p);
    if (channels.some((c) => c.bridge !== bridge)) throw new HttpError(422, 'Channel not in this bridge');
    for (const ch of channels) pbx.bridging.leave(bridge, ch);
    return NO_CONTENT;
  });

  router.on('POST', '/bridges/{bridgeId}/videoSource/{channelId}', (p) => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    const ch = pbx.channel(p.path['channelId'] ?? '');
    if (!ch) throw new HttpError(404, 'Channel not found');
    if (!ch.stasis) throw new HttpError(422, 'Channel not in Stasis application');
    if (ch.bridge !== bridge) throw new HttpError(422, 'Channel not in this bridge');
    return NO_CONTENT;
  });
  router.on('DELETE', '/bridges/{bridgeId}/videoSource', (p) => {
    findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    return NO_CONTENT;
  });

  router.on('POST', '/bridges/{bridgeId}/moh', (p) => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    pbx.media.startBridgeMoh(bridge, p.text('mohClass') ?? 'default');
    return NO_CONTENT;
  });
  router.on('DELETE', '/bridges/{bridgeId}/moh', (p) => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    if (!pbx.media.stopBridgeMoh(bridge)) throw new HttpError(409, "Bridge isn't playing music");
    return NO_CONTENT;
  });

  const play = (p: Params, playbackId: string | undefined): HttpResult => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    const media = mediaList(p);
    if (media.length === 0) throw new HttpError(400, 'media is required');
    const skipms = p.int('skipms', 3000);
    const offsetms = p.int('offsetms', 0);
    if (skipms < 0) throw new HttpError(400, 'skipms cannot be negative');
    if (offsetms < 0) throw new HttpError(400, 'offsetms cannot be negative');
    const pb = core(() =>
      pbx.media.play({ kind: 'bridge', bridge }, media, {
        ...(playbackId !== undefined ? { id: playbackId } : {}),
        language: p.text('lang') ?? 'en',
        skipMs: skipms === 0 ? 3000 : skipms,
        offsetMs: offsetms,
      }),
    );
    return { status: 201, body: playbackJson(pb.snapshot()), headers: { Location: `/playbacks/${pb.id}` } };
  };
  router.on('POST', '/bridges/{bridgeId}/play', (p) => play(p, p.text('playbackId')));
  router.on('POST', '/bridges/{bridgeId}/play/{playbackId}', (p) => play(p, p.path['playbackId']));

  router.on('POST', '/bridges/{bridgeId}/record', (p) => {
    const bridge = findStasisBridge(pbx, p.path['bridgeId'] ?? '');
    const options = parseRecordingOptions(p);
    const rec = core(() => pbx.media.record({ kind: 'bridge', bridge }, options));
    // The recorder channel joins the bridge: smart bridging re-evaluates (softmix with two parties).
    if (bridge.bridgeType === 'mixing') bridge.technology = bridge.idealTechnology();
    return {
      status: 201,
      body: liveRecordingJson(rec.snapshot()),
      headers: { Location: `/recordings/live/${encodeURIComponent(rec.name)}` },
    };
  });

  const bridgeVar = (): HttpResult => {
    throw new HttpError(501, 'Bridge variables are not simulated');
  };
  router.on('GET', '/bridges/{bridgeId}/variable', bridgeVar);
  router.on('POST', '/bridges/{bridgeId}/variable', bridgeVar);
}
