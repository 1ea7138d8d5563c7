/**
 * The server's AMI and ARI facades (the same classes main.ts uses) against the PBX simulator, over
 * real sockets with the real client packages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiConnection } from '../../cti/ami/ami-connection.js';
import type { AmiEvent } from '../../cti/ami/ami-types.js';
import { AriConnection } from '../../cti/ari/ari-connection.js';
import type { AriEvent } from '../../cti/ari/ari-types.js';
import { silentLogger } from '../../cti/logging.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const log = silentLogger();
let sim: PbxSim;

beforeAll(async () => {
  sim = await startPbxSim({ amiPort: 0, httpPort: 0 });
});
afterAll(async () => {
  await sim.stop();
});

const ariSettings = () => ({ url: sim.httpUrl, username: 'cti', password: 'cti-secret', app: 'hotline12345' });
const amiSettings = () => ({ host: '127.0.0.1', port: sim.amiPort, username: 'cti', secret: 'cti-secret' });

describe('ARI facade', () => {
  it('receives StasisStart with the dialled number, then the DTMF digit a caller presses', async () => {
    const ari = new AriConnection(ariSettings(), log);
    const events: AriEvent[] = [];
    ari.on('event', (e) => events.push(e));
    await ari.connect();
    try {
      const channelId = await placeCall(sim.httpUrl, '13800138000', '12345');
      const start = await waitFor(
        () => events.find((e) => e.type === 'StasisStart' && e.channel.id === channelId),
        'StasisStart',
      );
      expect(start.type === 'StasisStart' && start.args).toEqual(['12345']);
      expect(start.type === 'StasisStart' && start.channel.caller.number).toBe('13800138000');

      const dtmf = await simRequest(sim.httpUrl, 'POST', `/sim/channels/${channelId}/dtmf`, { digits: '1' });
      expect(dtmf.status).toBeLessThan(300);
      const digit = await waitFor(
        () => events.find((e) => e.type === 'ChannelDtmfReceived' && e.channel.id === channelId),
        'ChannelDtmfReceived',
      );
      expect(digit.type === 'ChannelDtmfReceived' && digit.digit).toBe('1');

      await ari.answer(channelId);
      expect((await ari.getChannel(channelId)).state).toBe('Up');
      await ari.hangup(channelId);
    } finally {
      ari.close();
    }
  });

  it('reports an unknown channel as not-found with Asterisk\'s message', async () => {
    const ari = new AriConnection(ariSettings(), log);
    await ari.connect();
    try {
      await expect(ari.answer('no-such-channel')).rejects.toMatchObject({ kind: 'not-found', message: 'Channel not found' });
    } finally {
      ari.close();
    }
  });

  it('refuses a wrong password without crashing the simulator', async () => {
    const ari = new AriConnection({ ...ariSettings(), password: 'wrong' }, log);
    await expect(ari.connect()).rejects.toMatchObject({ kind: 'auth' });
    ari.close();
    const good = new AriConnection(ariSettings(), log);
    await good.connect();
    expect(good.isConnected).toBe(true);
    good.close();
  });
});

describe('AMI facade', () => {
  it('logs in, answers Ping, and of a call sees only the events manager.conf lets through', async () => {
    // With no application connected, Stasis() fails at once and the dialplan hangs the call up (as a
    // real Asterisk does): keep the app up so the call stays to be listed.
    const ari = new AriConnection(ariSettings(), log);
    await ari.connect();
    const ami = new AmiConnection(amiSettings(), log);
    const events: AmiEvent[] = [];
    ami.on('event', (e) => events.push(e));
    await ami.connect();
    try {
      const pong = await ami.action('Ping');
      expect(pong.response).toBe('Success');
      expect(pong.fields.ping).toBe('Pong');

      const channelId = await placeCall(sim.httpUrl, '13800138001', '12345');
      const channels = await ami.list('CoreShowChannels');
      expect(channels.map((c) => c.fields.uniqueid)).toContain(channelId);
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
      const hangup = await waitFor(() => events.find((e) => e.name === 'Hangup' && e.fields.uniqueid === channelId), 'Hangup');
      expect(hangup.fields.calleridnum).toBe('13800138001');
      // The shipped eventfilter lines: the call's other events (Newchannel, Newstate, HangupRequest …) never come.
      const names = new Set(events.map((e) => e.name));
      expect(names).toContain('DeviceStateChange');
      for (const unused of ['Newchannel', 'Newstate', 'NewConnectedLine', 'HangupRequest', 'SoftHangupRequest']) expect(names).not.toContain(unused);
    } finally {
      ami.close();
      ari.close();
    }
  });

  it('refuses a wrong secret as an authentication error', async () => {
    const ami = new AmiConnection({ ...amiSettings(), secret: 'wrong' }, log);
    await expect(ami.connect()).rejects.toMatchObject({ kind: 'auth' });
    ami.close();
  });

  it('rejects an action Asterisk answers with an error', async () => {
    const ami = new AmiConnection(amiSettings(), log);
    await ami.connect();
    try {
      await expect(ami.action('Hangup', { Channel: 'PJSIP/none-00000000' })).rejects.toMatchObject({ kind: 'action' });
    } finally {
      ami.close();
    }
  });
});
