/**
 * A transfer that does not go through — the colleague refuses or does not answer a blind transfer,
 * Asterisk refuses the hand-over once the target answered, the consulted colleague is gone after the
 * first agent hung up, an IVR key's outside line declines — puts the caller back in line. They must
 * not go from the ring music (or their conversation) straight into the queue's music without a word,
 * as if forgotten: they hear the notice `transfer-failed` (转接未成功…) on their own channel first, then
 * reach the holding bridge. A notice that cannot be played (a missing file, a refused request) never
 * keeps them out of the line; a caller who hangs up during it ends like one who hangs up in line
 * (one an agent had answered: `answered`, no callback; one never answered, after an IVR key's line:
 * 放弃, on the missed-call list), and never reaches the holding bridge. A caller the PBX then will not
 * put in the line is told the service is unavailable and called back, even one an agent had answered.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../ivr/prompts.js';
import { HttpError } from '../pbx-sim/ari/http.js';
import { calls, createDepartmentContact, missedCalls } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simChannels, simRequest, waitFor } from '../support/sim-client.js';
import { putTransferMenuOn12333 } from '../support/transfer-menu.js';

const NOTICE = `sound:${PROMPTS.transferFailed}`;

/** The caller's moves into the call bridge are lost (every try), or their notice's play request is. */
let lose: { bridge: string; caller: string } | null = null;
let dropNoticeFor: string | null = null;
/** A caller Asterisk refuses (500) to move into any bridge, every time. */
let refuseToMove: string | null = null;
// The first agent stays in wrap-up: nobody but the colleague is ever offered the caller again.
const h = useHarness(
  { ringTimeoutSeconds: 15, wrapUpSeconds: 30 },
  {
    // A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
    requestsOverSocket: false,
    onAriRequest: (r) => {
      const values = r.query.flatMap(([, value]) => value.split(','));
      if (lose !== null && r.method === 'POST' && r.path.endsWith(`/bridges/${lose.bridge}/addChannel`) && values.includes(lose.caller)) return 'drop';
      if (dropNoticeFor !== null && r.method === 'POST' && r.path.startsWith(`/channels/${dropNoticeFor}/play`) && values.includes(NOTICE)) return 'drop';
      return undefined;
    },
    onAriAnswer: (r) => {
      if (refuseToMove !== null && r.method === 'POST' && r.path.endsWith('/addChannel') && new Map(r.query).get('channel') === refuseToMove) {
        throw new HttpError(500, 'Internal Server Error');
      }
    },
  },
);
const desks = new OpenDesks(() => h.server.httpUrl);

/** What each channel heard and where it went, in the simulator's order: `play <media>`, `<done|failed> <media>`, `enter <bridge type>`. */
const log: { channel: string; what: string }[] = [];
let unsubscribe: () => void = () => undefined;

beforeAll(async () => {
  await registerPhones(h.sim, ['1001'], 'auto');
  await registerPhones(h.sim, ['1002'], 'manual');
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
  await putTransferMenuOn12333(client(h.server.httpUrl, await login(h.server.httpUrl, 'admin')), 'transfer-failed-notice');
  unsubscribe = h.sim.core.subscribe((event) => {
    const onChannel = (uri: string) => (uri.startsWith('channel:') ? uri.slice('channel:'.length) : null);
    if (event.type === 'playback.started' && event.playback.state === 'playing') {
      const channel = onChannel(event.playback.targetUri);
      if (channel) log.push({ channel, what: `play ${event.playback.mediaUri}` });
    }
    if (event.type === 'playback.finished') {
      const channel = onChannel(event.playback.targetUri);
      if (channel) log.push({ channel, what: `${event.playback.state} ${event.playback.mediaUri}` });
    }
    if (event.type === 'bridge.enter') log.push({ channel: event.channel.id, what: `enter ${event.bridge.bridgeType}` });
  });
});
afterEach(async () => {
  lose = null;
  dropNoticeFor = null;
  refuseToMove = null;
  delete h.sim.core.soundDurations[PROMPTS.transferFailed];
  await hangUpEverything(h);
  desks.closeAll();
  await waitFor(() => h.server.calls.agents.list().every((a) => a.desktops === 0), 'desktops gone');
});
afterAll(() => {
  unsubscribe();
  desks.closeAll();
});

let callerSeq = 0;
const colleagueId = () => h.server.calls.agents.list().find((a) => a.login === '1002')?.agentId;
const channels = () => simChannels(h.sim.httpUrl);

/** What the caller heard and where they went from `mark` on, up to their arrival in a holding bridge. */
async function backInLine(caller: string, mark: number): Promise<string[]> {
  const mine = () => log.slice(mark).filter((e) => e.channel === caller).map((e) => e.what);
  await waitFor(() => mine().includes('enter holding'), 'the caller in the holding bridge', 8_000);
  const heard = mine();
  return heard.slice(0, heard.indexOf('enter holding') + 1);
}

/** Agent 1001 (A) answers a new caller; the colleague 1002 (T) is ready, their phone rings until answered. */
async function answeredByA(): Promise<{ a: AgentDesktop; t: AgentDesktop; caller: string }> {
  const a = await desks.open('1001', true);
  const t = await desks.open('1002');
  callerSeq += 1;
  const caller = await placeCall(h.sim.httpUrl, `1380000${String(8100 + callerSeq)}`, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  return { a, t, caller };
}

/** A new caller to 12333 presses 1 for an outside line, which declines. Returns the log's mark. */
async function ivrLineDeclined(): Promise<{ caller: string; mark: number }> {
    callerSeq += 1;
    const caller = await placeCall(h.sim.httpUrl, `1380000${String(8100 + callerSeq)}`, '12333');
    await waitFor(() => log.some((e) => e.channel === caller && e.what === 'play sound:menu-main'), 'the menu prompt');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/dtmf`, { digits: '1' });
    const line = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk') && c.state === 'Ringing'), "the department's line ringing");
    const mark = log.length;
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/trunk/hangup', { channelId: line.id });
    return { caller, mark };
}

/** A blind-transfers the caller to T, whose phone rings; T refuses it from the desk (拒接). Returns the log's mark. */
async function blindTransferRefused(a: AgentDesktop, t: AgentDesktop, caller: string): Promise<number> {
  expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleagueId() }, mode: 'blind' })).toMatchObject({ ok: true });
  await t.next('call.offered', (m) => m.callId === caller);
  const mark = log.length;
  expect(await t.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
  return mark;
}

describe('a caller put back in line after a transfer that did not go through', () => {
  it('blind transfer refused by the colleague: the caller hears the notice on their channel, then reaches the holding bridge', async () => {
    const { a, t, caller } = await answeredByA();
    const mark = await blindTransferRefused(a, t, caller);
    expect(await backInLine(caller, mark)).toEqual([`play ${NOTICE}`, `done ${NOTICE}`, 'enter holding']);
  });

  it("blind transfer whose hand-over Asterisk refuses once the colleague answered: the notice, then the line", async () => {
    const { a, t, caller } = await answeredByA();
    const bridge = h.server.calls.call(caller)?.bridgeId;
    expect(bridge).toBeTruthy();
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleagueId() }, mode: 'blind' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => (await channels()).some((c) => c.name.startsWith('PJSIP/1002-') && c.state === 'Ringing'), "the colleague's phone ringing");
    lose = { bridge: String(bridge), caller };
    const mark = log.length;
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    await t.next('call.offer.withdrawn', (m) => m.callId === caller && m.reason === 'not-connected');
    expect(await backInLine(caller, mark)).toEqual([`play ${NOTICE}`, `done ${NOTICE}`, 'enter holding']);
  });

  it('consultation whose first agent hung up, refused by the colleague: the notice, then the line', async () => {
    const { a, t, caller } = await answeredByA();
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleagueId() }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === caller);
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/hangup');
    await waitFor(() => h.server.calls.agents.list().find((x) => x.login === '1001')?.state !== 'on_call', 'A off the call');
    const mark = log.length;
    expect(await t.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
    expect(await a.next('call.consult.cancelled', (m) => m.callId === caller)).toMatchObject({ requeued: true });
    expect(await backInLine(caller, mark)).toEqual([`play ${NOTICE}`, `done ${NOTICE}`, 'enter holding']);
  });

  it("an IVR key's outside line that declines: the notice, then the line", async () => {
    const { caller, mark } = await ivrLineDeclined();
    expect(await backInLine(caller, mark)).toEqual([`play ${NOTICE}`, `done ${NOTICE}`, 'enter holding']);
  });
});

describe('a notice that cannot be played never keeps the caller out of the line', () => {
  it('its sound file is missing: the playback fails and the caller reaches the holding bridge all the same', async () => {
    h.sim.core.soundDurations[PROMPTS.transferFailed] = -1;
    const { a, t, caller } = await answeredByA();
    const mark = await blindTransferRefused(a, t, caller);
    expect(await backInLine(caller, mark)).toEqual([`play ${NOTICE}`, `failed ${NOTICE}`, 'enter holding']);
  });

  it('Asterisk never answers the request to play it: the caller reaches the holding bridge all the same', async () => {
    const { a, t, caller } = await answeredByA();
    dropNoticeFor = caller;
    const mark = await blindTransferRefused(a, t, caller);
    expect(await backInLine(caller, mark)).toEqual(['enter holding']);
  });
});

describe('a caller who hangs up during the notice', () => {
  /** A answers a new caller (nobody else signed in) and blind-transfers them to a department's line, which declines. */
  async function transferDeclined(): Promise<{ caller: string; mark: number }> {
    const a = await desks.open('1001', true);
    callerSeq += 1;
    const caller = await placeCall(h.sim.httpUrl, `1380000${String(8100 + callerSeq)}`, '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'contact', contactId: departmentId }, mode: 'blind' })).toMatchObject({ ok: true });
    const line = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk-') && c.id !== caller && c.state === 'Ringing'), "the department's line ringing");
    const mark = log.length;
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/trunk/hangup', { channelId: line.id });
    return { caller, mark };
  }

  /** How the call was closed: its outcome, and its entries on the missed-call list (漏接回拨). */
  async function endOf(caller: string): Promise<{ outcome: string; missed: string[] }> {
    const row = await waitFor(async () => {
      const found = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, caller)))[0];
      return found && found.outcome !== 'in-progress' ? found : undefined;
    }, 'the call ended');
    await waitFor(() => !h.server.calls.call(caller), 'the call gone from the live calls');
    const missed = await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callId, row.id));
    return { outcome: row.outcome, missed: missed.map((m) => m.status) };
  }

  let departmentId = 0;
  beforeAll(async () => {
    departmentId = (await createDepartmentContact(h.server.store.db, { unit: '市住房城乡建委', person: '钱科长', phone: '02361230002' })).id;
  });

  it('ends as one who hangs up in line would (the same outcome, the same missed-call entry), never reaching the holding bridge', async () => {
    // (control) A caller who heard the notice, reached the line and hung up there.
    const inLine = await transferDeclined();
    await backInLine(inLine.caller, inLine.mark);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${inLine.caller}/hangup`);
    const hungUpInLine = await endOf(inLine.caller);

    // An hour of audio: the caller hangs up while it plays, however slow the machine.
    h.sim.core.soundDurations[PROMPTS.transferFailed] = 3600;
    const during = await transferDeclined();
    await waitFor(() => log.slice(during.mark).some((e) => e.channel === during.caller && e.what === `play ${NOTICE}`), 'the notice playing', 8_000);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${during.caller}/hangup`);
    expect(await endOf(during.caller)).toEqual(hungUpInLine);
    expect(log.slice(during.mark).filter((e) => e.channel === during.caller).map((e) => e.what)).toEqual([`play ${NOTICE}`, `failed ${NOTICE}`]);
  });

  it("a caller never answered (an IVR key's line declined) who hangs up during it gave up in line: 放弃, on the missed-call list", async () => {
    h.sim.core.soundDurations[PROMPTS.transferFailed] = 3600;
    const { caller, mark } = await ivrLineDeclined();
    await waitFor(() => log.slice(mark).some((e) => e.channel === caller && e.what === `play ${NOTICE}`), 'the notice playing', 8_000);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    expect(await endOf(caller)).toEqual({ outcome: 'abandoned', missed: ['pending'] });
  });
});

describe('a caller the PBX will not put back in the line after the notice', () => {
  it('is told the service is unavailable and called back, though an agent had answered them', async () => {
    const { a, t, caller } = await answeredByA();
    const mark = await blindTransferRefused(a, t, caller);
    // From here every move of the caller into a bridge is refused: the holding bridge's too.
    refuseToMove = caller;
    const heard = () => log.slice(mark).filter((e) => e.channel === caller).map((e) => e.what);
    const row = await waitFor(async () => {
      const found = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, caller)))[0];
      return found?.endedAt ? found : undefined;
    }, 'the call ended', 15_000);
    expect(heard()).toContain(`play ${NOTICE}`);
    expect(heard()).toContain('play sound:service-unavailable');
    expect(row.outcome).toBe('answered');
    const missed = await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callId, row.id));
    expect(missed.map((m) => m.status)).toEqual(['pending']);
  });
});
