/**
 * Checks that ARI answers and accepts our user before the event socket is opened: one plain GET of
 * the events socket's API document, so that a wrong password (`auth`: the server waits longer before
 * trying again and says so at error level) is told apart from an Asterisk that is not there yet or a
 * wrong URL (`connection`). It uses a connection of its own, outside the REST pool. The document also
 * tells whether this Asterisk takes REST requests over the events socket: it then lists the
 * `RESTRequest` model (Asterisk 22.4, 21.9, 20.14 and later).
 */
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { AriError } from './ari-types.js';

const TIMEOUT_MS = 5_000;

export interface AriAbilities {
  /** Asterisk takes `RESTRequest` messages on the events socket. */
  requestsOverSocket: boolean;
}

function abilitiesOf(document: string): AriAbilities {
  try {
    const parsed: unknown = JSON.parse(document);
    const models = typeof parsed === 'object' && parsed !== null && 'models' in parsed ? parsed.models : null;
    return { requestsOverSocket: typeof models === 'object' && models !== null && 'RESTRequest' in models && 'RESTResponse' in models };
  } catch {
    return { requestsOverSocket: false };
  }
}

export function preflightAri(baseUrl: string, username: string, password: string): Promise<AriAbilities> {
  const url = new URL('/ari/api-docs/events.json', baseUrl);
  const send = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      // A connection of its own, closed after the answer: not kept alive, taking an HTTP session, beside the pool's.
      { method: 'GET', auth: `${username}:${password}`, timeout: TIMEOUT_MS, headers: { accept: 'application/json' }, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 200) {
          const chunks: Buffer[] = [];
          res.on('error', (error) => reject(new AriError('connection', `ARI ${url.origin}: ${error.message}`)));
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(abilitiesOf(Buffer.concat(chunks).toString('utf8'))));
          return;
        }
        res.resume();
        if (status === 401 || status === 403) reject(new AriError('auth', `ARI refused user ${username} (${status})`));
        else reject(new AriError('connection', `ARI api-docs at ${url.origin} answered ${status}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => reject(new AriError('connection', `ARI ${url.origin}: ${error.message}`)));
    req.end();
  });
}
