/**
 * Calls are not lost when the link to the PBX breaks: after a dropped AMI connection, a dropped ARI
 * socket or a PBX restart the server reconnects by itself and the next call gets its ticket.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

async function callGetsTicket(from: string): Promise<void> {
  const channelId = await placeCall(h.sim.httpUrl, from, '12345');
  const ticket = await waitFor(
    async () => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, channelId)).limit(1))[0],
    'a ticket after reconnecting',
    15_000,
  );
  expect(ticket.callerNumber).toBe(from);
}

describe.each(['drop-ari', 'drop-ami', 'restart'] as const)('after %s', (kind) => {
  it('the server notices, reconnects, and takes the next call', async () => {
    const connection = kind === 'drop-ami' ? h.server.link.ami : h.server.link.ari;
    let dropped = false;
    connection.once('disconnected', () => (dropped = true));
    const fault = await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind });
    expect(fault.status).toBeLessThan(300);
    await waitFor(() => dropped, 'the server to notice the drop', 5_000);
    await waitFor(() => h.server.link.status().ami && h.server.link.status().ari, 'both links back', 20_000);
    await callGetsTicket(`1380013${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`);
  });
});
