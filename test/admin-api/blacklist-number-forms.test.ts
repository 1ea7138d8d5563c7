/**
 * A blacklist entry blocks the caller however the number was written or is presented: a supervisor
 * copies a harasser's number as +86… or 0086… (or with spaces) from a complaint or a call record, the
 * carrier presents the caller without it, or the other way round. The list keeps the number in one
 * form (no country code, no spaces); a number that is not one is refused with 400 naming the field.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { placeCall, waitFor } from '../support/sim-client.js';
import { client, login, type ErrorBody } from './admin-client.js';

const h = useHarness();

/** How a call from `caller` to 12345 ended: `blocked` when the blacklist turned it away. */
async function outcomeOfCallFrom(caller: string): Promise<string> {
  const id = await placeCall(h.sim.httpUrl, caller, '12345');
  const row = await waitFor(async () => {
    const found = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
    return found && (found.outcome === 'blocked' || found.state === 'queued') ? found : undefined;
  }, `the call from ${caller} blocked or queued`);
  return row.outcome === 'blocked' ? 'blocked' : 'queued';
}

describe('blacklist numbers written with a country code', () => {
  it('block the caller whatever form the carrier presents, and are listed in one form', async () => {
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    const add = (number: string) => supervisor<{ number: string; error?: string }>('POST', '/api/v1/blacklist', { number, reason: '恶意骚扰坐席' });

    const plus = await add('+8613911113333');
    expect(plus.status).toBe(201);
    expect(plus.body.number, 'listed without the country code').toBe('13911113333');
    expect((await add('0086 139 1111 4444')).body.number).toBe('13911114444');
    expect((await add('010-8888 6666')).body.number).toBe('01088886666');
    expect((await add('86 23 6386 1234')).body.number, 'a fixed line written 86 + area code, without + or 00').toBe('02363861234');
    expect((await add('023-6386 5555')).body.number).toBe('02363865555');

    // The same number in another form is the same entry.
    expect((await add('13911113333')).status).toBe(409);

    expect(await outcomeOfCallFrom('13911113333'), 'an entry written +86… blocks the caller presented without it').toBe('blocked');
    expect(await outcomeOfCallFrom('13911114444'), 'an entry written 0086… blocks the caller presented without it').toBe('blocked');
    expect(await outcomeOfCallFrom('+8613911114444'), 'and the caller presented with +86').toBe('blocked');
    expect(await outcomeOfCallFrom('013911113333'), 'and an out-of-area mobile presented with a leading 0').toBe('blocked');
    expect(await outcomeOfCallFrom('+861088886666'), 'a fixed line presented with the country code').toBe('blocked');
    expect(await outcomeOfCallFrom('02363861234'), 'an entry written 86 + area code blocks the fixed line presented with its 0').toBe('blocked');
    expect(await outcomeOfCallFrom('862363865555'), 'and a fixed line presented as 86 + area code, without + or 00').toBe('blocked');
    expect(await outcomeOfCallFrom('13911115555'), 'a number not on the list gets through').toBe('queued');
  });

  it('refuses with 400 a number that is not one', async () => {
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    for (const number of ['0086', '+86 12', 'abc', '139-abcd-0000', '+1234567890123456']) {
      const answer = await supervisor<ErrorBody>('POST', '/api/v1/blacklist', { number, reason: '恶意骚扰坐席' });
      expect({ number, status: answer.status, fields: answer.body.details?.map((d) => d.field) }).toEqual({ number, status: 400, fields: ['/number'] });
    }
  });
});
