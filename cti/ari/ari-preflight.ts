/**
 * Checks that ARI answers and accepts our user before `ari-client` is asked to connect. The package's
 * Swagger loader throws from inside an HTTP callback when the API documents cannot be fetched (a
 * wrong password, a wrong URL): an uncaught exception that would take the whole server down. This
 * plain request finds those cases first and turns them into an ordinary rejected promise.
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
