/**
 * A standby server's HTTP: it serves nothing but where the active server is — `/health` says standby
 * (so a proxy in front of both sends traffic to the active one), a page is redirected there, and an
 * API call is refused in Chinese with the active server's address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cti/logging.js';
import { STANDBY_TEXT, startStandbyServer } from '../../softphone-bridge/http/standby-server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});

async function standby(active: string | null) {
  const server = await startStandbyServer({ host: '127.0.0.1', port: 0, log: silentLogger(), sources: { active: () => Promise.resolve(active) } });
  servers.push(server);
  return server.url;
}

describe('standby server', () => {
  it('answers health as standby, naming the active server', async () => {
    const url = await standby('http://10.0.0.1:8080');
    const reply = await fetch(`${url}/health`);
    expect(reply.status).toBe(503);
    expect(await reply.json()).toEqual({ status: 'standby', active: 'http://10.0.0.1:8080' });
  });

  it('sends a browser asking for a page to the same page on the active server', async () => {
    const url = await standby('http://10.0.0.1:8080');
    const reply = await fetch(`${url}/agent/?login=1001`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(reply.status).toBe(307);
    expect(reply.headers.get('location')).toBe('http://10.0.0.1:8080/agent/?login=1001');
  });

  it('refuses an API call in Chinese and says where the active server is', async () => {
    const url = await standby('http://10.0.0.1:8080');
    const reply = await fetch(`${url}/api/v1/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(await reply.json()).toEqual({ error: 'standby', message: STANDBY_TEXT, active: 'http://10.0.0.1:8080' });
  });

  it('while no server is active, says so and redirects nowhere', async () => {
    const url = await standby(null);
    const reply = await fetch(`${url}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(reply.status).toBe(503);
    expect(((await reply.json()) as { active: string | null }).active).toBeNull();
  });
});
