import { it, expect } from 'vitest';
import ari from 'ari-client';
import { startPbxSim } from '/work/main/test/pbx-sim/index.js';

it('smoke', async () => {
  const sim = await startPbxSim({ logger: { info: (m) => console.log(m), warn: (m) => console.log(m) } });
  const client = await ari.connect(sim.httpUrl, 'cti', 'cti-secret');
  const events: unknown[] = [];
  client.on('*', (e: unknown) => { events.push(e); });
  await client.start('hotline12345');
  const res = await fetch(`${sim.httpUrl}/sim/calls`, { method: 'POST', headers: {'content-type':'application/json'}, body: JSON.stringify({ from: '13800138000', to: '12345' }) });
  const body = await res.json();
  console.log(res.status, body);
  await new Promise((r) => setTimeout(r, 200));
  await fetch(`${sim.httpUrl}/sim/channels/${body.channelId}/dtmf`, { method: 'POST', body: JSON.stringify({ digits: '1' }) });
  await new Promise((r) => setTimeout(r, 500));
  const ch = await client.channels.get({ channelId: body.channelId });
  console.log(ch.state);
  await client.channels.answer({ channelId: body.channelId });
  const pb = await client.channels.play({ channelId: body.channelId, media: 'sound:hello-world' });
  console.log('pb', pb.id, pb.state);
  await new Promise((r) => setTimeout(r, 300));
  await client.channels.hangup({ channelId: body.channelId });
  await new Promise((r) => setTimeout(r, 200));
  for (const e of events) console.log(JSON.stringify(e).slice(0, 200));
  client.stop();
  await sim.stop();
  expect(events.length).toBeGreaterThan(0);
});
