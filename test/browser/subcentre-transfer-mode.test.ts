/**
 * The agent desk offers a sub-centre only the way its transfer mode (分中心 转接方式) allows, in a real
 * browser against the server and the PBX simulator: the directory's entry names the mode (e.g.
 * `12366 税务分中心（三方）`) and has only the matching button; picked in the call bar, the other
 * transfer buttons are disabled with a hint. An admin's change of the mode shows with the next call.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

const SUBCENTRE_DIAL = 'PJSIP/12366@trunk';
/** The endpoints the server asked the PBX to ring (`POST /channels?endpoint=…`). */
const dialled: string[] = [];
const h = useHarness(
  { wrapUpSeconds: 1, pagesDir: builtPages() },
  {
    onAriRequest: (request: AriRequestRecord) => {
      const endpoint = request.query.find(([name]) => name === 'endpoint')?.[1];
      if (request.method === 'POST' && request.path === '/channels' && endpoint) dialled.push(endpoint);
    },
  },
);
let browser: BrowserSession;
let page: Page;
let admin: ReturnType<typeof client>;

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const agentState = (state: string) => page.locator(`[data-testid=agent-state][data-state=${state}]`).waitFor();
const callState = (state: string) => page.locator(`[data-testid=call-state][data-state=${state}]`).waitFor();
const entry = (label: string) => page.getByTestId('department-directory').locator('li', { hasText: label });
const buttonsOf = async (label: string) => (await entry(label).getByRole('button').allTextContents()).map((t) => t.trim());

async function setMode(transferMode: 'blind' | 'three-way'): Promise<void> {
  const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12366');
  expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { transferMode })).status).toBe(200);
}

/** A 12345 call answered at the agent's phone, the desk showing it connected. */
async function connectedCall(caller: string): Promise<string> {
  await agentState('ready');
  const id = await placeCall(h.sim.httpUrl, caller, '12345');
  await callState('connected');
  return id;
}

/** The call bar's transfer buttons as the agent can use them now, with the sub-centre picked. */
async function barWithSubcentre(label: string): Promise<Record<string, boolean>> {
  await page.getByTestId('target-kind').selectOption('subcentre');
  await page.getByTestId('target').selectOption({ label });
  const usable: Record<string, boolean> = {};
  for (const testid of ['btn-transfer-blind', 'btn-transfer-attended', 'btn-conference']) usable[testid] = await page.getByTestId(testid).isEnabled();
  return usable;
}

beforeAll(async () => {
  await registerPhones(h.sim, ['1001']);
  // The sub-centre answers through the trunk.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  await setMode('three-way');
  browser = await launchBrowser();
  page = await browser.page();
  await page.goto(`${h.server.httpUrl}/`);
  await page.getByTestId('login-username').fill('1001');
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-submit').click();
  await agentState('not_ready');
  await page.getByTestId('btn-ready').click();
});
afterAll(async () => {
  await browser?.close();
});

describe('sub-centre transfer mode on the agent desk', () => {
  it('a three-way sub-centre: labelled （三方）, offered only 三方, which rings it with the agent staying on', async () => {
    const id = await connectedCall('13800008201');
    const label = '12366 税务分中心（三方）';
    await entry(label).waitFor();
    expect(await buttonsOf(label)).toEqual(['三方', '拨打']);
    expect(await barWithSubcentre(label)).toEqual({ 'btn-transfer-blind': false, 'btn-transfer-attended': false, 'btn-conference': true });
    expect(await page.getByTestId('target-hint').textContent()).toBe('该分中心要求三方通话转接，请用「三方」');
    await screenshot(page, 'subcentre-three-way');

    await entry(label).getByRole('button', { name: '三方', exact: true }).click();
    await callState('conference');
    expect(dialled).toContain(SUBCENTRE_DIAL);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await callState('ended');
  });

  it('after the admin sets it to blind, the next call shows it as （转接）, offered 转接 and 咨询转接 but not 三方', async () => {
    await setMode('blind');
    const rungBefore = dialled.filter((d) => d === SUBCENTRE_DIAL).length;
    const id = await connectedCall('13800008202');
    const label = '12366 税务分中心（转接）';
    await entry(label).waitFor();
    expect(await buttonsOf(label)).toEqual(['转接', '拨打']);
    expect(await barWithSubcentre(label)).toEqual({ 'btn-transfer-blind': true, 'btn-transfer-attended': true, 'btn-conference': false });
    expect(await page.getByTestId('target-hint').textContent()).toBe('该分中心要求直接转接，请用「转接」或「咨询转接」');

    await entry(label).getByRole('button', { name: '转接', exact: true }).click();
    await waitFor(async () => {
      const list = await channels();
      const bridge = list.find((c) => c.id === id)?.bridgeId;
      const others = list.filter((c) => bridge && c.bridgeId === bridge && c.id !== id);
      return others.length === 1 && others[0]?.name.startsWith('PJSIP/trunk');
    }, 'the caller bridged with the sub-centre alone');
    expect(dialled.filter((d) => d === SUBCENTRE_DIAL)).toHaveLength(rungBefore + 1);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    expect(browser.errors).toEqual([]);
  });
});
