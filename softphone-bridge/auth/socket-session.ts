/**
 * The session behind a live socket (agent desktop, wallboard). The upgrade needs a live session of an
 * admitted role (401 otherwise); afterwards the session is checked again on every message and watched,
 * so that logout or a change to the account ends the socket at once: the client gets a last
 * `session.ended` message saying why, then close code 4401 (the pages then ask for a new login).
 */
import type { preValidationAsyncHookHandler } from 'fastify';
import type { WebSocket } from 'ws';
import { ApiError } from '../http/error-replies.js';
import { liveSession } from './session-guard.js';
import { SESSION_END_TEXT, type SessionEnd, type Sessions } from './sessions.js';
import type { TokenClaims } from './tokens.js';

export const CLOSE_SESSION_ENDED = 4401;

/** `preValidation` of a socket route: a live session that `admits` accepts, else 401 with `refusal`. */
export function socketSession(sessions: Sessions, admits: (claims: TokenClaims) => boolean, refusal: string): preValidationAsyncHookHandler {
  return async (request, reply) => {
    try {
      const claims = await liveSession(sessions, request, true);
      if (!admits(claims)) return reply.code(401).send({ error: refusal });
      request.session = claims;
    } catch (error) {
      if (error instanceof ApiError) return reply.code(error.statusCode).send({ error: error.message });
      throw error;
    }
  };
}

/**
 * Ties an open socket to its session. The returned function takes each message's handling: it runs
 * once the session has been checked and found still live (the socket is closed when it is not), and
 * in the order the messages came — a message is never handled before the check of an earlier one
 * has finished. `onEnd` hears why the session ended, before the socket is closed for it.
 */
export function holdSession(
  socket: WebSocket,
  claims: TokenClaims,
  sessions: Sessions,
  log: { info(details: object, message: string): void; error(details: object, message: string): void },
  onEnd: (reason: SessionEnd) => void = () => undefined,
): (handle: () => void) => void {
  let ended = false;
  const end = (reason: SessionEnd) => {
    if (ended) return;
    ended = true;
    log.info({ account: claims.login, reason }, 'socket closed: session ended');
    onEnd(reason);
    if (socket.readyState === socket.OPEN) {
      socket.send(JSON.stringify({ type: 'session.ended', reason, message: SESSION_END_TEXT[reason] }));
      socket.close(CLOSE_SESSION_ENDED, 'session ended');
    }
  };
  const unwatch = sessions.watch(claims.sessionId, end);
  socket.once('close', unwatch);
  // The tail of this socket's messages: each one's check and handling starts after the one before.
  let queue: Promise<void> = Promise.resolve();
  return (handle) => {
    if (ended) return;
    queue = queue
      .then(async () => {
        if (ended) return;
        const reason = await sessions.endOf(claims);
        if (reason) end(reason);
        if (!ended) handle();
      })
      .catch((err: unknown) => log.error({ err, account: claims.login }, 'socket message not handled: session check failed'));
  };
}
