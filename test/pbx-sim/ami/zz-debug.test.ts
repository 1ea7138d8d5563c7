// TEMPORARY debug dump (to be deleted)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import type { AmiField } from './frame.js';
import { fieldValue, frameKind, readRecording } from './recording.js';
import { RecordedHotlineApp, ari, channelNames, until } from './testing/ari-app.js';
import { replay, settled } from './testing/replay.js';
import type { RawAmiClient } from './testing/raw-client.js';
import { startPbxSim } from '../index.js';

const LAB_CONF = '/work/shared/asterisk/lab-conf';
const RECORDINGS = '/work/shared/asterisk/recordings';
const SKIP = new Set(['CEL', 'Cdr', 'QueueMemberStatus', 'ChallengeSent']);
let bridges = new Map<string, string>();
function line(f: readonly AmiField[]): string {
  const k = frameKind(f);
  const parts = [k];
  for (const key of ['Channel', 'DestChannel', 'Device', 'State', 'Variable', 'Value', 'DialStatus', 'Cause', 'Response', 'Reason', 'ChannelStateDesc', 'DestChannelStateDesc', 'Application', 'BridgeTechnology', 'BridgeNumChannels', 'BridgeUniqueid']) {
    let v = fieldValue(f, key);
    if (!f.some(([n]) => n === key)) continue;
    if (key === 'BridgeUniqueid') { if (!bridges.has(v)) bridges.set(v, `B${bridges.size + 1}`); v = bridges.get(v) ?? ''; }
    if (key === 'Value' && /TIME/.test(fieldValue(f, 'Variable'))) v = '#';
    if (key === 'Value' && /BRIDGEPVTCALLID/.test(fieldValue(f, 'Variable')) && v) v = 'cid';
    parts.push(`${key}=${v}`);
  }
  return parts.join(' ').replace(/-[0-9a-f]{8}(;[12])?/g, '$1');
}
function dump(name: string, frames: readonly (readonly AmiField[])[]): void {
  bridges = new Map();
  const out = frames.filter((f) => !SKIP.has(frameKind(f)) && !(frameKind(f) === 'SuccessfulAuth' && fieldValue(f, 'Service') === 'PJSIP')).filter((f) => !/^RTPAUDIOQOS/.test(fieldValue(f, 'Variable'))).map(line);
  writeFileSync(`/tmp/dbg/${name}`, out.join('\n') + '\n');
}
async function allHungUp(httpUrl: string, client: RawAmiClient): Promise<void> {
  await until(async () => (await channelNames(httpUrl)).length === 0, 'all channels hung up');
  await settled(client);
}
const which = process.env.RUNS ?? 'run1,run2,run5';
it('run1', async () => {
  if (!which.includes('run1')) return;
  const rec = readRecording(join(RECORDINGS, 'ami-run1-no-ari.txt'));
  dump('run1.rec', rec.steps.flatMap((s) => (s.kind === 'server' ? [s.fields] : [])));
  const sim = await startPbxSim({ configDir: LAB_CONF, amiPort: 0, httpPort: 0 });
  try {
    const r = await replay(rec, sim.amiPort, { async onNote(text, client) { if (text.startsWith('all channels hung up')) await allHungUp(sim.httpUrl, client); } });
    dump('run1.sim', r.frames);
  } finally { await sim.stop(); }
}, 60000);
it('run2', async () => {
  if (!which.includes('run2')) return;
  const rec = readRecording(join(RECORDINGS, 'ami-run2-with-ari.txt'));
  dump('run2.rec', rec.steps.flatMap((s) => (s.kind === 'server' ? [s.fields] : [])));
  const sim = await startPbxSim({ configDir: LAB_CONF, amiPort: 0, httpPort: 0 });
  const app = new RecordedHotlineApp(sim.httpUrl, 'Local/1001@agents');
  await app.connect();
  let done = false;
  try {
    const r = await replay(rec, sim.amiPort, {
      async onNote(text, client) {
        if (text.startsWith('CoreShowChannels while')) { await app.bridged(); await settled(client); }
        if (text.startsWith('all channels hung up')) await allHungUp(sim.httpUrl, client);
      },
      afterAction: async (_ids, client) => {
        if (done || !client.frames().some((f) => frameKind(f) === 'BridgeListComplete')) return;
        done = true; await app.hangUp(() => settled(client));
      },
    });
    dump('run2.sim', r.frames);
  } finally { app.close(); await sim.stop(); }
}, 60000);
it('run5', async () => {
  if (!which.includes('run5')) return;
  const rec = readRecording(join(RECORDINGS, 'ami-run5-pjsip.txt'));
  dump('run5.rec', rec.steps.flatMap((s) => (s.kind === 'server' ? [s.fields] : [])));
  const sim = await startPbxSim({ configDir: LAB_CONF, amiPort: 0, httpPort: 0 });
  const httpUrl = sim.httpUrl;
  const app = new RecordedHotlineApp(httpUrl, 'PJSIP/1002');
  await app.connect();
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${httpUrl}/sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    const r = await replay(rec, sim.amiPort, {
      async onNote(text, client) {
        if (text.startsWith('baresip 1001 dials 12345')) {
          await post('/calls', { from: '1001', to: '12345', endpoint: 'PJSIP/1001' });
          await until(async () => { const c = app.caller; return c !== undefined && (await ari<{ state: string }>(httpUrl, 'GET', `/channels/${c}`)).state === 'Up'; }, 'caller answered');
          await post(`/channels/${app.caller ?? ''}/dtmf`, { digits: '1' });
        }
        if (text.startsWith('CoreShowChannels while')) { await app.bridged(); await settled(client); }
        if (text.startsWith('all channels hung up')) await allHungUp(httpUrl, client);
      },
      afterAction: async (actionIds, client) => { if (actionIds.includes('run5-pjsip-3')) await app.hangUp(() => settled(client)); },
    });
    dump('run5.sim', r.frames);
  } finally { app.close(); await sim.stop(); }
}, 60000);
