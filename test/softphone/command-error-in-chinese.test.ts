/**
 * What the desk shows when a command fails (`result.error`, PROTOCOL.md: "Chinese, shown to the
 * agent"). A refusal (the rule's, the call's) reads as it is written; a failure inside the server —
 * here Asterisk refusing 静音 while it restarts (ARI answers 503 `Asterisk not booted`) — reads as a
 * Chinese message, never the PBX's English, and the original goes to the server's log. (保持 and 恢复
 * say more: hold-refused-by-asterisk.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';
import { capturedLog } from '../support/test-logger.js';

const captured = capturedLog('error');
const h = useHarness({}, {}, captured.log);
const desks = new OpenDesks(() => h.server.httpUrl);
const CHINESE = /[\u4e00-\u9fff]/;

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => desks.closeAll());

describe('a command that fails', () => {
  it('refused by the rule: the refusal reads as written', async () => {
    const desk = await desks.open('1002');
    expect(await desk.command('call.hold', { callId: 'no-such-call' })).toMatchObject({ ok: false, error: '通话不存在或已结束' });
  });

  it('refused by Asterisk: is answered with a Chinese reason, not the PBX error text, which is logged', async () => {
    const desk = await desks.open('1003', true);
    const callId = await placeCall(h.sim.httpUrl, '13700004444', '12345');
    await desk.next('call.answered', (m) => m.callId === callId);
    // Asterisk restarts: ARI answers 503 for a while.
    await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'restart', downtimeMs: 4000 });
    const result = await desk.command('call.mute', { callId });
    expect(result.ok).toBe(false);
    expect(String(result.error), 'the refusal the agent reads').toMatch(CHINESE);
    expect(String(result.error)).not.toMatch(/Asterisk|booted|[A-Za-z]{4,}/);
    const logged = captured.lines.map((line) => JSON.parse(line) as { msg: string; command?: string; err?: { message?: string } });
    expect(logged.find((l) => l.msg === 'a command failed' && l.command === 'call.mute')?.err?.message, 'the original error in the log').toMatch(/not booted/i);
  });
});
