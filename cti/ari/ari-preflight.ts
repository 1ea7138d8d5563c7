/**
 * Checks that ARI answers and accepts our user before the event socket is opened: one plain GET of
 * the API documents, so that a wrong password (`auth`: the server waits longer before trying again
 * and says so at error level) is told apart from an Asterisk that is not there yet or a wrong URL
 * (`connection`). It uses a connection of its own, outside the REST pool.
 */
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { AriError } from './ari-types.js';

const TIMEOUT_MS = 5_000;

export function preflightAri(baseUrl: string, username: string, password: string): Promise<void> {
  const url = new URL('/ari/api-docs/resources.json', baseUrl);
  const send = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'GET', auth: `${username}:${password}`, timeout: TIMEOUT_MS, headers: { accept: 'application/json' } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status === 200) resolve();
        else if (status === 401 || status === 403) reject(new AriError('auth', `ARI refused user ${username} (${status})`));
        else reject(new AriError('connection', `ARI api-docs at ${url.origin} answered ${status}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => reject(new AriError('connection', `ARI ${url.origin}: ${error.message}`)));
    req.end();
  });
}
