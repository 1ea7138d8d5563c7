/** `/ari/channels` (resource_channels.c). */
import { PbxError } from '../../core/api.js';
import { CAUSE } from '../../core/causes.js';
import type { Channel } from '../../core/channel.js';
import type { Pbx } from '../../core/pbx.js';
import { HttpError } from '../http.js';
import type { HttpResult, Params } from '../http.js';
import { channelJson, liveRecordingJson, playbackJson } from '../json.js';
import type { Router } from '../router.js';
import { core, findControl, mediaList, NO_CONTENT, requireValidState } from './common.js';
import { parseRecordingOptions } from './recording-options.js';

/** AST_MAX_PUBLIC_UNIQUEID */
const MAX_UNIQUEID = 149;

const HANGUP_REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

/**
 * Requesting the channel failed (unknown technology or endpoint, phone not registered): Asterisk's
 * ast_dial_prerun/ast_request fail and ARI answers `ast_ari_response_alloc_failed`, a 500
 * "Allocation failed". The real reason goes to the log.
 */
function allocation<T>(pbx: Pbx, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PbxError && (err.kind === 'not-found' || err.kind === 'bad-request')) {
      pbx.log.warn(`pbx-sim: ARI could not request the channel: ${err.message}`);
      // ast_ari_response_alloc_failed: `{"error": …}`, not `{"message": …}` (runs6-11-b/ari-run10-requests.txt).
      throw new HttpError(500, 'Allocation failed', 'control');
    }
    if (err instanceof PbxError && err.kind === 'conflict') throw new HttpError(409, err.message);
    throw err;
  }
}

function appArgs(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(',');
}

function originate(pbx: Pbx, p: Params, channelId: string | undefined): HttpResult {
  const variables = p.variables();
  const otherId = p.text('otherChannelId');
  if ((channelId?.length ?? 0) > MAX_UNIQUEID || (otherId?.length ?? 0) > MAX_UNIQUEID)
    throw new HttpError(400, `Uniqueid length exceeds maximum of ${MAX_UNIQUEID}`);
  const endpoint = p.text('endpoint');
  if (!endpoint) throw new HttpError(400, 'Endpoint must be specified');
  if (p.text('originator') && p.text('formats')) throw new HttpError(400, "Originator and formats can't both be specified");
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) throw new HttpError(400, 'Invalid endpoint specified');
  const app = p.text('app');
  const extension = p.text('extension');
  if (!app && !extension) throw new HttpError(400, 'Application or extension must be specified');
  const originator = p.text('originator');
  if (originator && !pbx.channel(originator)) throw new HttpError(400, 'Provided originator channel was not found');
  let priority = p.int('priority', 0);
  const context = p.text('context') ?? 'default';
  const label = p.text('label');
  if (!app && extension && label) {
    const n = Number.parseInt(label, 10);
    if (Number.isNaN(n)) {
      const found = pbx.dialplan.findLabel(context, extension, label);
      if (found === undefined) throw new HttpError(404, 'Requested label can not be found');
      priority = found;
    } else if (n === 0) throw new HttpError(400, 'Requested priority is illegal');
    else priority = n;
  }
  const timeout = p.int('timeout', 30);
  const outcome = allocation(pbx, () =>
    pbx.originate({
      endpoint,
      ...(app ? { app, appArgs: appArgs(p.str('appArgs')) } : { context, exten: extension ?? 's', priority: priority > 0 ? priority : 1 }),
      ...(p.text('callerId') !== undefined ? { callerId: p.text('callerId') ?? '' } : {}),
      timeout: timeout === -1 ? 0 : timeout > 0 ? timeout : 30,
      ...(variables ? { variables } : {}),
      ...(channelId !== undefined ? { channelId } : {}),
      ...(otherId !== undefined ? { otherChannelId: otherId } : {}),
    }),
  );
  void outcome.settled.catch(() => undefined);
  return { status: 200, body: channelJson(outcome.channel) };
}

export function channelRoutes(router: Router, pbx: Pbx): void {
  const controlled = (p: Params): Channel => {
    const ch = findControl(pbx, p.path['channelId'] ?? '');
    requireValidState(ch);
    return ch;
  };

  router.on('GET', '/channels', () => ({ status: 200, body: pbx.listChannels().map(channelJson) }));

  router.on('POST', '/channels', (p) => originate(pbx, p, p.text('channelId')));
  router.on('POST', '/channels/{channelId}', (p) => originate(pbx, p, p.path['channelId']));

  router.on('POST', '/channels/create', (p) => {
    const variables = p.variables();
    if (p.text('originator') && p.text('formats')) throw new HttpError(400, "Originator and formats can't both be specified");
    const endpoint = p.text('endpoint') ?? '';
    const app = p.text('app');
    if (!app) throw new HttpError(400, 'Missing parameter app');
    const ch = allocation(pbx, () =>
      pbx.dialing.createForAri({
        endpoint,
        app,
        appArgs: appArgs(p.str('appArgs')),
        ...(p.text('channelId') !== undefined ? { id: p.text('channelId') ?? '' } : {}),
        ...(p.text('otherChannelId') !== undefined ? { otherId: p.text('otherChannelId') ?? '' } : {}),
        ...(variables ? { variables } : {}),
      }),
    );
    return { status: 200, body: channelJson(ch.snapshot()) };
  });

  router.on('GET', '/channels/{channelId}', (p) => {
    const ch = pbx.channels.get(p.path['channelId'] ?? '');
    if (!ch) throw new HttpError(404, 'Channel not found');
    return { status: 200, body: channelJson(ch.snapshot()) };
  });

  router.on('DELETE', '/channels/{channelId}', (p) => {
    const ch = pbx.channel(p.path['channelId'] ?? '');
    if (!ch) throw new HttpError(404, 'Channel not found');
    const reason = p.text('reason');
    const code = p.text('reason_code');
    let cause: number = CAUSE.NORMAL;
    if (reason && code) throw new HttpError(400, "The reason and reason_code can't both be specified");
    if (code) {
      const m = /^\s*(-?\d+)/.exec(code);
      if (!m?.[1]) throw new HttpError(400, 'Invalid reason for hangup reason code provided');
      cause = Number(m[1]);
    } else if (reason) {
      const c = HANGUP_REASONS[reason];
      if (c === undefined) throw new HttpError(400, 'Invalid reason for hangup reason provided');
      cause = c;
    }
    pbx.hangup(ch.id, cause);
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/continue', (p) => {
    const ch = controlled(p);
    const ctxArg = p.text('context');
    const extArg = p.text('extension');
    const context = ctxArg ?? ch.context;
    const exten = ctxArg ? (extArg ?? 's') : (extArg ?? ch.exten);
    const label = p.text('label');
    let location: { context: string; exten: string; priority: number } | undefined;
    if (label) {
      let n = Number.parseInt(label, 10);
      if (Number.isNaN(n)) {
        const found = pbx.dialplan.findLabel(context, exten, label);
        if (found === undefined) throw new HttpError(404, 'Requested label can not be found');
        n = found;
      }
      if (n === 0) throw new HttpError(400, 'Requested priority is illegal');
      location = { context, exten, priority: n };
    } else if (p.int('priority', 0) > 0) location = { context, exten, priority: p.int('priority', 0) };
    else if (!ctxArg && !extArg) location = undefined;
    else location = { context, exten, priority: 1 };
    core(() => pbx.stasis.continueInDialplan(ch, location));
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/move', (p) => {
    const ch = findControl(pbx, p.path['channelId'] ?? '');
    const app = p.text('app');
    if (!app) throw new HttpError(400, 'Missing parameter app');
    core(() => pbx.stasis.move(ch, app, appArgs(p.str('appArgs'))));
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/redirect', (p) => {
    const ch = controlled(p);
    const endpoint = p.text('endpoint');
    if (!endpoint) throw new HttpError(400, "Required parameter 'endpoint' not provided.");
    const slash = endpoint.indexOf('/');
    if (slash <= 0) throw new HttpError(422, `Endpoint parameter '${endpoint}' does not contain tech/resource`);
    if (slash === endpoint.length - 1) throw new HttpError(422, `No resource provided in endpoint parameter '${endpoint}'`);
    const tech = endpoint.slice(0, slash);
    if (tech.toLowerCase() !== ch.tech.toLowerCase())
      throw new HttpError(422, `Endpoint technology '${tech}' does not match channel technology '${ch.tech}'`);
    // A SIP 302: the far end is sent elsewhere and this call leg ends.
    pbx.farEndHangup(ch, CAUSE.NORMAL);
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/answer', (p) => {
    pbx.answer(controlled(p));
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/ring', (p) => {
    const ch = controlled(p);
    pbx.dialing.indicateRinging(ch);
    return NO_CONTENT;
  });
  router.on('DELETE', '/channels/{channelId}/ring', (p) => {
    controlled(p).ringIndicated = false;
    return NO_CONTENT;
  });
  router.on('POST', '/channels/{channelId}/progress', (p) => {
    controlled(p);
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/dtmf', (p) => {
    const ch = controlled(p);
    const dtmf = p.text('dtmf');
    if (!dtmf) throw new HttpError(400, 'DTMF is required');
    const before = p.int('before', 0);
    const between = p.int('between', 100);
    const duration = p.int('duration', 100);
    const after = p.int('after', 0);
    const send = async (): Promise<void> => {
      await pbx.scheduler.sleep(pbx.scheduler.scaled(before));
      await pbx.media.sendDigits(ch, dtmf, duration, between);
      await pbx.scheduler.sleep(pbx.scheduler.scaled(after));
    };
    send().catch((err: unknown) => pbx.log.warn(`pbx-sim: sending DTMF to ${ch.name} failed: ${String(err)}`));
    return NO_CONTENT;
  });

  const mute = (p: Params, on: boolean): HttpResult => {
    const ch = controlled(p);
    const direction = p.str('direction') ?? 'both';
    if (direction === '') throw new HttpError(400, 'Direction is required');
    if (!['in', 'out', 'both'].includes(direction)) throw new HttpError(400, 'Invalid direction specified');
    if (direction !== 'out') ch.mutedIn = on;
    if (direction !== 'in') ch.mutedOut = on;
    return NO_CONTENT;
  };
  router.on('POST', '/channels/{channelId}/mute', (p) => mute(p, true));
  router.on('DELETE', '/channels/{channelId}/mute', (p) => mute(p, false));

  router.on('POST', '/channels/{channelId}/hold', (p) => {
    pbx.media.hold(controlled(p));
    return NO_CONTENT;
  });
  router.on('DELETE', '/channels/{channelId}/hold', (p) => {
    pbx.media.unhold(controlled(p));
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/moh', (p) => {
    const ch = controlled(p);
    pbx.media.startMoh(ch, p.text('mohClass') ?? 'default');
    return NO_CONTENT;
  });
  router.on('DELETE', '/channels/{channelId}/moh', (p) => {
    pbx.media.stopMoh(controlled(p));
    return NO_CONTENT;
  });

  router.on('POST', '/channels/{channelId}/silence', (p) => {
    const ch = controlled(p);
    pbx.media.stopMoh(ch);
    ch.silenced = true;
    return NO_CONTENT;
  });
  router.on('DELETE', '/channels/{channelId}/silence', (p) => {
    controlled(p).silenced = false;
    return NO_CONTENT;
  });

  const play = (p: Params, playbackId: string | undefined): HttpResult => {
    const ch = controlled(p);
    const media = mediaList(p);
    if (media.length === 0) throw new HttpError(400, 'media is required');
    const skipms = p.int('skipms', 3000);
    const offsetms = p.int('offsetms', 0);
    if (skipms < 0) throw new HttpError(400, 'skipms cannot be negative');
    if (offsetms < 0) throw new HttpError(400, 'offsetms cannot be negative');
    const pb = core(() =>
      pbx.media.play({ kind: 'channel', channel: ch }, media, {
        ...(playbackId !== undefined ? { id: playbackId } : {}),
        language: p.text('lang') ?? ch.language,
        skipMs: skipms === 0 ? 3000 : skipms,
        offsetMs: offsetms,
      }),
    );
    return { status: 201, body: playbackJson(pb.snapshot()), headers: { Location: `/playbacks/${pb.id}` } };
  };
  router.on('POST', '/channels/{channelId}/play', (p) => play(p, p.text('playbackId')));
  router.on('POST', '/channels/{channelId}/play/{playbackId}', (p) => play(p, p.path['playbackId']));

  router.on('POST', '/channels/{channelId}/record', (p) => {
    const options = parseRecordingOptions(p);
    const ch = findControl(pbx, p.path['channelId'] ?? '');
    const rec = core(() => pbx.media.record({ kind: 'channel', channel: ch }, options));
    return {
      status: 201,
      body: liveRecordingJson(rec.snapshot()),
      headers: { Location: `/recordings/live/${encodeURIComponent(rec.name)}` },
    };
  });

  router.on('GET', '/channels/{channelId}/variable', (p) => {
    const variable = p.text('variable');
    if (!variable) throw new HttpError(400, 'Variable name is required');
    const ch = pbx.channel(p.path['channelId'] ?? '');
    if (!ch) throw new HttpError(404, 'Provided channel was not found');
    const value = pbx.getVariable(ch.id, variable);
    if (value === undefined) {
      if (variable.endsWith(')')) throw new HttpError(500, 'Unable to read provided function');
      throw new HttpError(404, 'Provided variable was not found');
    }
    return { status: 200, body: { value } };
  });

  router.on('POST', '/channels/{channelId}/variable', (p) => {
    const variable = p.text('variable');
    if (!variable) throw new HttpError(400, 'Variable name is required');
    const ch = findControl(pbx, p.path['channelId'] ?? '');
    core(() => pbx.writeVariable(ch, variable, p.str('value') ?? ''), { 'bad-request': 400 });
    return NO_CONTENT;
  });

  router.on('GET', '/channels/{channelId}/variables', (p) => {
    const names = p.list('variables');
    if (names.length === 0) throw new HttpError(400, 'Missing variables parameter.');
    const ch = pbx.channel(p.path['channelId'] ?? '');
    if (!ch) throw new HttpError(404, 'Provided channel was not found');
    const variables: Record<string, string> = {};
    for (const n of names) {
      const v = pbx.getVariable(ch.id, n);
      if (v === undefined) throw new HttpError(404, 'Provided variable was not found');
      variables[n] = v;
    }
    return { status: 200, body: { variables } };
  });

  router.on('POST', '/channels/{channelId}/variables', (p) => {
    const vars = p.variables();
    if (!vars) throw new HttpError(400, 'Missing variables parameter.');
    const ch = findControl(pbx, p.path['channelId'] ?? '');
    for (const [k, v] of Object.entries(vars)) core(() => pbx.writeVariable(ch, k, v), { 'bad-request': 400 });
    return NO_CONTENT;
  });

  const snoop = (p: Params, snoopId: string | undefined): HttpResult => {
    const directions = ['none', 'both', 'out', 'in'];
    const spy = p.text('spy') ?? 'none';
    const whisper = p.text('whisper') ?? 'none';
    if (!directions.includes(spy)) throw new HttpError(400, 'Invalid direction specified for spy');
    if (!directions.includes(whisper)) throw new HttpError(400, 'Invalid direction specified for whisper');
    if (spy === 'none' && whisper === 'none') throw new HttpError(400, 'Direction must be specified for at least spy or whisper');
    const app = p.text('app');
    if (!app) throw new HttpError(400, 'Application name is required');
    const target = pbx.channel(p.path['channelId'] ?? '');
    if (!target) throw new HttpError(404, 'Provided channel was not found');
    const ch = core(() => pbx.stasis.snoop(target, app, appArgs(p.str('appArgs')), spy, whisper, snoopId), { conflict: 500 });
    return { status: 200, body: channelJson(ch.snapshot()) };
  };
  router.on('POST', '/channels/{channelId}/snoop', (p) => snoop(p, p.text('snoopId')));
  router.on('POST', '/channels/{channelId}/snoop/{snoopId}', (p) => snoop(p, p.path['snoopId']));

  router.on('POST', '/channels/{channelId}/dial', (p) => {
    const ch = findControl(pbx, p.path['channelId'] ?? '');
    const callerId = p.text('caller');
    const caller = callerId ? pbx.channel(callerId) : undefined;
    core(() => pbx.dialing.dialAri(ch, caller, p.int('timeout', 0)));
    return NO_CONTENT;
  });

  router.on('GET', '/channels/{channelId}/rtp_statistics', (p) => {
    const ch = pbx.channel(p.path['channelId'] ?? '');
    if (!ch || ch.tech !== 'PJSIP') throw new HttpError(404, 'Channel not found');
    return {
      status: 200,
      body: { txcount: 0, rxcount: 0, txploss: 0, rxploss: 0, local_ssrc: 0, remote_ssrc: 0, txoctetcount: 0, rxoctetcount: 0, channel_uniqueid: ch.id },
    };
  });

  router.on('POST', '/channels/externalMedia', () => {
    throw new HttpError(501, 'External media is not simulated');
  });
  router.on('POST', '/channels/{channelId}/transfer_progress', () => {
    throw new HttpError(501, 'Transfer progress is not simulated');
  });
}
