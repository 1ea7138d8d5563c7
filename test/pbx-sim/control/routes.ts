/**
 * The simulator's control API under `/sim/` (no authentication): what the outside world does to the
 * PBX — callers dialling in and pressing keys, phones registering, ringing, answering and hanging
 * up — plus a view of each channel (state, what it hears, DTMF sent to it) and fault injection.
 * Documented in test/pbx-sim/README.md.
 */
import { PbxError } from '../core/api.js';
import { hears, recordingHears, sends } from '../core/audio.js';
import type { Channel } from '../core/channel.js';
import type { Endpoint } from '../core/endpoint.js';
import type { Pbx } from '../core/pbx.js';
import type { HttpResult } from '../ari/http.js';
import type { HttpSessionStats } from '../ari/server.js';
import { Router } from '../ari/router.js';
import { fail, objectBody, optBool, optEnum, optNumber, optString, reqString } from './validate.js';

export type FaultKind = 'drop-ami' | 'drop-ari' | 'cut-ari-events' | 'restart';
const FAULTS: readonly FaultKind[] = ['drop-ami', 'drop-ari', 'cut-ari-events', 'restart'];
const ANSWER_MODES = ['auto', 'manual', 'busy', 'noanswer'] as const;
const DTMF = /^[0-9*#A-Da-d]+$/;
const NUMBER = /^[+]?[0-9A-Za-z*#]+$/;

export interface ControlContext {
  pbx: Pbx;
  fault(kind: FaultKind, downtimeMs: number): void;
  httpSessions(): HttpSessionStats;
  refuseHttpConnections(count: number): void;
}

export function channelView(pbx: Pbx, ch: Channel): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    caller: { ...ch.caller },
    connected: { ...ch.connected },
    endpoint: ch.endpoint ? ch.endpoint.id : null,
    bridgeId: ch.bridge?.id ?? null,
    stasisApp: ch.stasis?.app ?? null,
    dialplan: { context: ch.context, exten: ch.exten, priority: ch.priority, app: ch.appName, appData: ch.appData },
    hearing: pbx.hearing(ch),
    hears: hears(ch, pbx.channels.values()),
    sends: sends(ch),
    dtmfReceived: ch.dtmfToFarEnd,
    onHold: ch.held,
    muted: { in: ch.mutedIn, out: ch.mutedOut },
    recording: ch.recording?.name ?? null,
    creationTime: ch.creationTime,
  };
}

function endpointView(ep: Endpoint): Record<string, unknown> {
  return {
    technology: ep.technology,
    resource: ep.resource,
    context: ep.context,
    state: ep.state,
    deviceState: ep.deviceState,
    online: ep.behaviour.online,
    answer: ep.behaviour.answer,
    answerDelayMs: ep.behaviour.answerDelayMs,
    channelIds: [...ep.channelIds],
  };
}

function translate<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PbxError) {
      const status = { 'not-found': 404, conflict: 409, unprocessable: 422, 'bad-request': 400 }[err.kind];
      fail(status, err.message);
    }
    throw err;
  }
}

export function controlRoutes(ctx: ControlContext): Router {
  const { pbx } = ctx;
  const router = new Router();

  const channel = (id: string | undefined): Channel => {
    const ch = pbx.channel(id ?? '');
    if (!ch) fail(404, `channel '${id ?? ''}' not found`);
    return ch;
  };
  const endpoint = (tech: string | undefined, resource: string | undefined): Endpoint => {
    const ep = pbx.endpoint(tech ?? '', resource ?? '');
    if (!ep) fail(404, `endpoint '${tech ?? ''}/${resource ?? ''}' not found`);
    return ep;
  };
  /** The phone's channel to act on: the given one, or its ringing/first one. */
  const phoneChannel = (ep: Endpoint, id: string | undefined, want: 'ringing' | 'any'): Channel => {
    const chans = ep.channelIds.map((c) => pbx.channels.get(c)).filter((c): c is Channel => c !== undefined);
    if (id !== undefined) {
      const ch = chans.find((c) => c.id === id);
      if (!ch) fail(404, `channel '${id}' is not on ${ep.id}`);
      return ch;
    }
    const ch = want === 'ringing' ? chans.find((c) => c.state === 'Ringing' && c.leg) : chans[0];
    if (!ch) fail(409, want === 'ringing' ? `no call is ringing on ${ep.id}` : `${ep.id} has no call`);
    return ch;
  };

  router.on('POST', '/calls', (p): HttpResult => {
    const body = objectBody(p.body, ['from', 'to', 'callerName', 'endpoint', 'channelId']);
    const from = reqString(body, 'from');
    const to = reqString(body, 'to');
    if (!NUMBER.test(from)) fail(400, `field 'from' must be a number (digits, optional leading +)`);
    if (!NUMBER.test(to)) fail(400, `field 'to' must be a number or extension`);
    const callerName = optString(body, 'callerName');
    const endpointText = optString(body, 'endpoint');
    const channelId = optString(body, 'channelId');
    const resource = endpointText === undefined ? undefined : endpointText.replace(/^PJSIP\//i, '');
    if (resource !== undefined && !pbx.endpoints.has(resource)) fail(404, `endpoint '${endpointText ?? ''}' not found`);
    const ch = translate(() =>
      pbx.placeCall({
        from,
        to,
        ...(callerName !== undefined ? { callerName } : {}),
        ...(resource !== undefined ? { endpoint: resource } : {}),
        ...(channelId !== undefined ? { channelId } : {}),
      }),
    );
    return { status: 201, body: { channelId: ch.id, name: ch.name } };
  });

  router.on('GET', '/channels', () => ({ status: 200, body: [...pbx.channels.values()].map((c) => channelView(pbx, c)) }));
  router.on('GET', '/channels/{id}', (p) => ({ status: 200, body: channelView(pbx, channel(p.path['id'])) }));

  router.on('POST', '/channels/{id}/dtmf', (p) => {
    const body = objectBody(p.body, ['digits']);
    const digits = reqString(body, 'digits');
    if (!DTMF.test(digits)) fail(400, `field 'digits' may only contain 0-9, *, #, A-D`);
    const ch = channel(p.path['id']);
    pbx.media.farEndDigits(ch, digits).catch((err: unknown) => pbx.log.warn(`pbx-sim: DTMF on ${ch.name} failed: ${String(err)}`));
    return { status: 202, body: { channelId: ch.id, digits } };
  });

  router.on('POST', '/channels/{id}/hangup', (p) => {
    const body = objectBody(p.body, ['cause']);
    // 0: a BYE without a Reason header, as baresip sends (no cause on the request, Hangup cause 0).
    const cause = optNumber(body, 'cause', 0, 127) ?? 16;
    const ch = channel(p.path['id']);
    pbx.farEndHangup(ch, cause);
    return { status: 204 };
  });

  router.on('POST', '/channels/{id}/answer', (p) => {
    objectBody(p.body, []);
    const ch = channel(p.path['id']);
    if (ch.state === 'Up') fail(409, `channel '${ch.id}' is already answered`);
    if (!ch.leg) fail(409, `channel '${ch.id}' is not an outgoing call waiting for an answer`);
    pbx.farEndAnswer(ch, 'control');
    return { status: 204 };
  });

  router.on('GET', '/bridges', () => ({
    status: 200,
    body: [...pbx.bridges.values()].map((b) => ({
      ...b.snapshot(),
      hearing: b.playbacks[0]?.mediaUri ?? (b.mohClass ? `moh:${b.mohClass}` : null),
      ...(b.recording ? { recordingHears: recordingHears(b, pbx.channels.values()) } : {}),
    })),
  }));

  router.on('GET', '/endpoints', () => ({ status: 200, body: [...pbx.endpoints.values()].map(endpointView) }));
  router.on('GET', '/endpoints/{tech}/{resource}', (p) => ({ status: 200, body: endpointView(endpoint(p.path['tech'], p.path['resource'])) }));

  router.on('PUT', '/endpoints/{tech}/{resource}', (p) => {
    const body = objectBody(p.body, ['online', 'answer', 'answerDelayMs', 'unregister']);
    const online = optBool(body, 'online');
    // `{online: false, unregister: false}`: the phone dies without unregistering (noticed at the next qualify).
    const unregister = optBool(body, 'unregister') ?? true;
    const answer = optEnum(body, 'answer', ANSWER_MODES);
    const answerDelayMs = optNumber(body, 'answerDelayMs', 0, 3_600_000);
    const ep = endpoint(p.path['tech'], p.path['resource']);
    if (online === false && !unregister) {
      pbx.vanishEndpoint(ep);
      pbx.setEndpointBehaviour(ep, {
        ...(answer !== undefined ? { answer } : {}),
        ...(answerDelayMs !== undefined ? { answerDelayMs } : {}),
      });
      return { status: 200, body: endpointView(ep) };
    }
    pbx.setEndpointBehaviour(ep, {
      ...(online !== undefined ? { online } : {}),
      ...(answer !== undefined ? { answer } : {}),
      ...(answerDelayMs !== undefined ? { answerDelayMs } : {}),
    });
    return { status: 200, body: endpointView(ep) };
  });

  router.on('POST', '/endpoints/{tech}/{resource}/answer', (p) => {
    const body = objectBody(p.body, ['channelId']);
    const ep = endpoint(p.path['tech'], p.path['resource']);
    const ch = phoneChannel(ep, optString(body, 'channelId'), 'ringing');
    if (ch.state === 'Up') fail(409, `channel '${ch.id}' is already answered`);
    pbx.farEndAnswer(ch, 'control');
    return { status: 200, body: { channelId: ch.id } };
  });

  router.on('POST', '/endpoints/{tech}/{resource}/hangup', (p) => {
    const body = objectBody(p.body, ['channelId', 'cause']);
    const ep = endpoint(p.path['tech'], p.path['resource']);
    const cause = optNumber(body, 'cause', 1, 127) ?? 16;
    const ch = phoneChannel(ep, optString(body, 'channelId'), 'any');
    // Declining a ringing call: baresip answers 486 Busy Here, cause 17 (ami-run8.txt,
    // runs6-11-b/ami-run10b-originate-noanswer.txt), unless a cause says otherwise.
    pbx.farEndHangup(ch, ch.state === 'Up' || body['cause'] !== undefined ? cause : 17);
    return { status: 200, body: { channelId: ch.id } };
  });

  router.on('POST', '/endpoints/{tech}/{resource}/dtmf', (p) => {
    const body = objectBody(p.body, ['digits', 'channelId']);
    const digits = reqString(body, 'digits');
    if (!DTMF.test(digits)) fail(400, `field 'digits' may only contain 0-9, *, #, A-D`);
    const ep = endpoint(p.path['tech'], p.path['resource']);
    const ch = phoneChannel(ep, optString(body, 'channelId'), 'any');
    pbx.media.farEndDigits(ch, digits).catch((err: unknown) => pbx.log.warn(`pbx-sim: DTMF on ${ch.name} failed: ${String(err)}`));
    return { status: 202, body: { channelId: ch.id, digits } };
  });

  router.on('POST', '/faults', (p) => {
    const body = objectBody(p.body, ['kind', 'downtimeMs']);
    const kind = optEnum(body, 'kind', FAULTS);
    if (kind === undefined) fail(400, `field 'kind' is required: one of ${FAULTS.map((f) => `"${f}"`).join(', ')}`);
    const downtimeMs = optNumber(body, 'downtimeMs', 0, 60_000) ?? 500;
    ctx.fault(kind, downtimeMs);
    return { status: 202, body: { kind, downtimeMs: kind === 'restart' || kind === 'cut-ari-events' ? downtimeMs : 0 } };
  });

  router.on('GET', '/http', () => ({ status: 200, body: ctx.httpSessions() }));

  router.on('POST', '/http/refuse', (p) => {
    const body = objectBody(p.body, ['connections']);
    const connections = optNumber(body, 'connections', 1, 10_000);
    if (connections === undefined || !Number.isInteger(connections)) fail(400, `field 'connections' is required: how many new connections to close on arrival (a whole number)`);
    ctx.refuseHttpConnections(connections);
    return { status: 202, body: { connections } };
  });

  return router;
}
