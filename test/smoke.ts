/**
 * Smoke check of the built program under plain node (no vitest transform): start the simulator and the
 * compiled server, place one call, and require its ticket and a healthy /health. Exits non-zero on failure.
 */
import { eq } from 'drizzle-orm';
import { tickets } from '../store/index.js';
import { startHarness } from './support/harness.js';
import { placeCall, simRequest, waitFor } from './support/sim-client.js';

async function smoke(): Promise<void> {
  const harness = await startHarness();
  const { sim, server } = harness;
  try {
    await waitFor(async () => (await simRequest(server.httpUrl, 'GET', '/health')).status === 200, 'healthy server', 10_000);
    const channelId = await placeCall(sim.httpUrl, '13800138000', '12345');
    const ticket = await waitFor(
      async () => (await server.store.db.select().from(tickets).where(eq(tickets.callKey, channelId)).limit(1))[0],
      'a ticket for the smoke call',
      10_000,
    );
    process.stdout.write(`smoke: call ${channelId} opened ticket ${ticket.number}\n`);
  } finally {
    await harness.stop();
  }
}

smoke().then(
  () => process.stdout.write('smoke: the built server took a call\n'),
  (error: unknown) => {
    process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
