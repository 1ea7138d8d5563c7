/**
 * The smaller ARI resources: endpoints, applications, playbacks, recordings, asterisk, sounds,
 * deviceStates, mailboxes.
 */
import type { Pbx } from '../../core/pbx.js';
import { HttpError } from '../http.js';
import type { HttpResult, Params } from '../http.js';
import type { PlaybackOperation } from '../../core/media.js';
import { endpointJson, liveRecordingJson, playbackJson } from '../json.js';
import type { Router } from '../router.js';
import { core, NO_CONTENT } from './common.js';

function applicationJson(pbx: Pbx, name: string): Record<string, unknown> | undefined {
  const app = pbx.apps.get(name);
  if (!app) return undefined;
  return {
    name: app.name,
    channel_ids: [...app.channels.keys()].filter((id) => pbx.channels.has(id)),
    bridge_ids: [...app.bridges].filter((id) => pbx.bridges.has(id)),
    endpoint_ids: [...app.endpoints],
    device_names: [...app.devices],
    events_allowed: [],
    events_disallowed: [],
  };
}

export function endpointRoutes(router: Router, pbx: Pbx): void {
  router.on('GET', '/endpoints', () => ({ status: 200, body: pbx.listEndpoints().map(endpointJson) }));
  router.on('GET', '/endpoints/{tech}', (p) => {
    const tech = p.path['tech'] ?? '';
    if (tech.toUpperCase() !== 'PJSIP') throw new HttpError(404, `No Endpoints found - invalid tech ${tech}`);
    return { status: 200, body: pbx.listEndpoints().map(endpointJson) };
  });
  router.on('GET', '/endpoints/{tech}/{resource}', (p) => {
    const ep = pbx.endpoint(p.path['tech'] ?? '', p.path['resource'] ?? '');
    if (!ep) throw new HttpError(404, 'Endpoint not found');
    return { status: 200, body: endpointJson(ep.snapshot()) };
  });
  const notSimulated = (): HttpResult => {
    throw new HttpError(501, 'Messaging is not simulated');
  };
  router.on('PUT', '/endpoints/sendMessage', notSimulated);
  router.on('POST', '/endpoints/refer', notSimulated);
  router.on('PUT', '/endpoints/{tech}/{resource}/sendMessage', (p) => {
    if (!pbx.endpoint(p.path['tech'] ?? '', p.path['resource'] ?? '')) throw new HttpError(404, 'Endpoint not found');
    return notSimulated();
  });
  router.on('POST', '/endpoints/{tech}/{resource}/refer', notSimulated);
}

export function applicationRoutes(router: Router, pbx: Pbx): void {
  router.on('GET', '/applications', () => ({
    status: 200,
    body: pbx.apps.list().map((a) => applicationJson(pbx, a.name)),
  }));
  router.on('GET', '/applications/{applicationName}', (p) => {
    const json = applicationJson(pbx, p.path['applicationName'] ?? '');
    if (!json) throw new HttpError(404, 'Application not found');
    return { status: 200, body: json };
  });

  const change = (subscribe: boolean) => (p: Params): HttpResult => {
    const sources = p.list('eventSource');
    if (sources.length === 0) throw new HttpError(400, 'Missing parameter eventSource');
    const name = p.path['applicationName'] ?? '';
    if (!pbx.apps.get(name)) throw new HttpError(404, 'Application not found');
    const parsed = sources.map((src) => {
      const colon = src.indexOf(':');
      const scheme = colon > 0 ? src.slice(0, colon) : '';
      const id = colon > 0 ? src.slice(colon + 1) : '';
      if (!['channel', 'bridge', 'endpoint', 'deviceState'].includes(scheme)) throw new HttpError(400, 'Invalid event source URI scheme');
      const exists =
        scheme === 'channel'
          ? pbx.channels.has(id)
          : scheme === 'bridge'
            ? pbx.bridges.has(id)
            : scheme === 'endpoint'
              ? id.toUpperCase() === 'PJSIP' || pbx.endpoint(id.split('/')[0] ?? '', id.split('/')[1] ?? '') !== undefined
              : id !== '';
      if (!exists) throw new HttpError(422, subscribe ? 'Event source does not exist' : 'Event source was not subscribed to');
      return { scheme, id };
    });
    for (const { scheme, id } of parsed) {
      if (scheme === 'channel') {
        if (subscribe) pbx.apps.subscribeChannel(name, id);
        else if (!pbx.apps.isSubscribedToChannel(name, id)) throw new HttpError(422, 'Event source was not subscribed to');
        else pbx.apps.unsubscribeChannel(name, id);
      } else if (scheme === 'bridge') {
        if (subscribe) pbx.apps.subscribeBridge(name, id);
        else pbx.apps.unsubscribeBridge(name, id);
      } else if (scheme === 'endpoint') {
        if (subscribe) pbx.apps.subscribeEndpoint(name, id);
        else if (!pbx.apps.unsubscribeEndpoint(name, id)) throw new HttpError(422, 'Event source was not subscribed to');
      } else if (subscribe) pbx.apps.subscribeDevice(name, id);
      else if (!pbx.apps.unsubscribeDevice(name, id)) throw new HttpError(422, 'Event source was not subscribed to');
    }
    return { status: 200, body: applicationJson(pbx, name) };
  };
  router.on('POST', '/applications/{applicationName}/subscription', change(true));
  router.on('DELETE', '/applications/{applicationName}/subscription', change(false));
  router.on('PUT', '/applications/{applicationName}/eventFilter', (p) => {
    const json = applicationJson(pbx, p.path['applicationName'] ?? '');
    if (!json) throw new HttpError(404, 'Application not found');
    return { status: 200, body: json };
  });
}

const OPERATIONS: readonly PlaybackOperation[] = ['unpause', 'pause', 'restart', 'reverse', 'forward'];

export function playbackRoutes(router: Router, pbx: Pbx): void {
  const find = (id: string) => {
    const pb = pbx.playbacks.get(id);
    if (!pb) throw new HttpError(404, 'Playback not found');
    return pb;
  };
  router.on('GET', '/playbacks/{playbackId}', (p) => ({ status: 200, body: playbackJson(find(p.path['playbackId'] ?? '').snapshot()) }));
  router.on('DELETE', '/playbacks/{playbackId}', (p) => {
    pbx.media.stop(find(p.path['playbackId'] ?? ''));
    return NO_CONTENT;
  });
  router.on('POST', '/playbacks/{playbackId}/control', (p) => {
    const text = p.text('operation');
    if (!text) throw new HttpError(400, 'Missing operation');
    const op = OPERATIONS.find((o) => o === text);
    if (!op) throw new HttpError(400, `Invalid operation ${text}`);
    const pb = find(p.path['playbackId'] ?? '');
    core(() => pbx.media.control(pb, op), { 'bad-request': 500 });
    return NO_CONTENT;
  });
}

export function recordingRoutes(router: Router, pbx: Pbx): void {
  const live = (name: string) => {
    const rec = pbx.liveRecordings.get(name);
    if (!rec) throw new HttpError(404, 'Recording not found');
    return rec;
  };
  const stored = (name: string) => {
    const rec = pbx.storedRecordings.get(name);
    if (!rec) throw new HttpError(404, 'Recording not found');
    return rec;
  };
  router.on('GET', '/recordings/stored', () => ({
    status: 200,
    body: [...pbx.storedRecordings.values()].map((r) => ({ name: r.name, format: r.format })),
  }));
  router.on('GET', '/recordings/stored/{recordingName}', (p) => {
    const r = stored(p.path['recordingName'] ?? '');
    return { status: 200, body: { name: r.name, format: r.format } };
  });
  router.on('DELETE', '/recordings/stored/{recordingName}', (p) => {
    pbx.storedRecordings.delete(stored(p.path['recordingName'] ?? '').name);
    return NO_CONTENT;
  });
  router.on('GET', '/recordings/stored/{recordingName}/file', (p) => {
    stored(p.path['recordingName'] ?? '');
    // A tiny silent WAV header: there is no audio in a simulation.
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(16000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    header.writeUInt32LE(0, 40);
    return { status: 200, raw: { contentType: 'audio/wav', data: header } };
  });
  router.on('POST', '/recordings/stored/{recordingName}/copy', (p) => {
    const src = stored(p.path['recordingName'] ?? '');
    const dest = p.text('destinationRecordingName');
    if (!dest) throw new HttpError(400, 'Missing parameter destinationRecordingName');
    if (pbx.storedRecordings.has(dest)) throw new HttpError(409, `A recording with the same name already exists on the system`);
    pbx.storedRecordings.set(dest, { ...src, name: dest });
    return { status: 200, body: { name: dest, format: src.format } };
  });
  router.on('GET', '/recordings/live/{recordingName}', (p) => ({
    status: 200,
    body: liveRecordingJson(live(p.path['recordingName'] ?? '').snapshot()),
  }));
  router.on('DELETE', '/recordings/live/{recordingName}', (p) => {
    pbx.media.finishRecording(live(p.path['recordingName'] ?? ''), 'canceled');
    return NO_CONTENT;
  });
  router.on('POST', '/recordings/live/{recordingName}/stop', (p) => {
    pbx.media.finishRecording(live(p.path['recordingName'] ?? ''), 'done');
    return NO_CONTENT;
  });
  const pause = (paused: boolean) => (p: Params): HttpResult => {
    const rec = live(p.path['recordingName'] ?? '');
    core(() => pbx.media.pauseRecording(rec, paused));
    return NO_CONTENT;
  };
  router.on('POST', '/recordings/live/{recordingName}/pause', pause(true));
  router.on('DELETE', '/recordings/live/{recordingName}/pause', pause(false));
  const mute = (muted: boolean) => (p: Params): HttpResult => {
    const rec = live(p.path['recordingName'] ?? '');
    if (rec.state !== 'recording' && rec.state !== 'paused') throw new HttpError(409, 'Recording not in session');
    rec.muted = muted;
    return NO_CONTENT;
  };
  router.on('POST', '/recordings/live/{recordingName}/mute', mute(true));
  router.on('DELETE', '/recordings/live/{recordingName}/mute', mute(false));
}

export function asteriskRoutes(router: Router, pbx: Pbx): void {
  router.on('GET', '/asterisk/info', (p) => {
    const only = p.list('only');
    const all: Record<string, unknown> = {
      build: { os: 'Linux', kernel: '6.1.0', options: '', machine: 'x86_64', date: '2026-11-20 09:00:00 UTC', user: 'root' },
      system: { version: pbx.version, entity_id: pbx.entityId },
      config: {
        name: pbx.systemName,
        default_language: 'en',
        setid: { user: 'asterisk', group: 'asterisk' },
      },
      status: {
        startup_time: pbx.startedAt.toISOString().replace('Z', '+0000'),
        last_reload_time: pbx.lastReloadAt.toISOString().replace('Z', '+0000'),
      },
    };
    const body = only.length > 0 ? Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k))) : all;
    return { status: 200, body };
  });
  router.on('GET', '/asterisk/ping', () => ({
    status: 200,
    body: { asterisk_id: pbx.entityId, ping: 'pong', timestamp: new Date().toISOString().replace('Z', '+0000') },
  }));
  router.on('GET', '/asterisk/variable', (p) => {
    const variable = p.text('variable');
    if (!variable) throw new HttpError(400, 'Variable name is required');
    return { status: 200, body: { value: pbx.globals.get(variable) ?? '' } };
  });
  router.on('POST', '/asterisk/variable', (p) => {
    const variable = p.text('variable');
    if (!variable) throw new HttpError(400, 'Variable name is required');
    pbx.globals.set(variable, p.str('value') ?? '');
    return NO_CONTENT;
  });
  router.on('GET', '/asterisk/modules', () => ({
    status: 200,
    body: ['res_ari', 'res_stasis', 'chan_pjsip', 'app_dial', 'app_stasis'].map((name) => ({
      name: `${name}.so`,
      description: name,
      use_count: 0,
      status: 'Running',
      support_level: 'core',
    })),
  }));
  router.on('GET', '/asterisk/logging', () => ({ status: 200, body: [] }));
}

export function soundRoutes(router: Router, pbx: Pbx): void {
  const sounds = (): string[] => [...new Set(['hello-world', 'beep', 'demo-congrats', 'vm-goodbye', ...Object.keys(pbx.soundDurations)])];
  router.on('GET', '/sounds', () => ({
    status: 200,
    body: sounds().map((id) => ({ id, text: '', formats: [{ language: 'en', format: 'gsm' }] })),
  }));
  router.on('GET', '/sounds/{soundId}', (p) => {
    const id = p.path['soundId'] ?? '';
    if (!sounds().includes(id)) throw new HttpError(404, 'Sound not found');
    return { status: 200, body: { id, text: '', formats: [{ language: 'en', format: 'gsm' }] } };
  });
}

export function deviceStateRoutes(router: Router, pbx: Pbx): void {
  const list = (): { name: string; state: string }[] => [
    ...[...pbx.endpoints.values()].map((e) => ({ name: e.id, state: e.deviceState })),
    ...[...pbx.deviceStates.entries()].map(([name, state]) => ({ name, state })),
  ];
  router.on('GET', '/deviceStates', () => ({ status: 200, body: list() }));
  router.on('GET', '/deviceStates/{deviceName}', (p) => {
    const name = p.path['deviceName'] ?? '';
    return { status: 200, body: { name, state: pbx.deviceState(name) ?? 'UNKNOWN' } };
  });
  router.on('PUT', '/deviceStates/{deviceName}', (p) => {
    const name = p.path['deviceName'] ?? '';
    if (!name.startsWith('Stasis:')) throw new HttpError(409, 'Uncontrolled device specified');
    const state = p.text('deviceState') ?? 'UNKNOWN';
    pbx.deviceStates.set(name, state);
    pbx.emit({ type: 'device.state', device: name, state });
    return NO_CONTENT;
  });
  router.on('DELETE', '/deviceStates/{deviceName}', (p) => {
    const name = p.path['deviceName'] ?? '';
    if (!name.startsWith('Stasis:')) throw new HttpError(409, 'Uncontrolled device specified');
    pbx.deviceStates.delete(name);
    return NO_CONTENT;
  });
  router.on('GET', '/mailboxes', () => ({ status: 200, body: [] }));
  router.on('GET', '/mailboxes/{mailboxName}', () => {
    throw new HttpError(404, 'Mailbox not found');
  });
}
