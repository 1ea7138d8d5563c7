/** Login, Logoff, Challenge, Ping and Events: the session's own housekeeping (main/manager.c). */
import { createHash } from 'node:crypto';
import { formatEventTime } from '../fields.js';
import { getHeader } from '../frame.js';
import type { AmiUser } from '../hub.js';
import { EventFlag, authorityToString } from '../permissions.js';
import { responseHead, sendAck, sendError } from '../response.js';
import type { ActionContext, ActionHandler } from './context.js';

export const login: ActionHandler = (ctx) => {
  const { session } = ctx;
  if (session.isAuthenticated) {
    sendAck(ctx, 'Already authenticated');
    return;
  }
  const user = authenticate(ctx);
  if (!user) {
    // Asterisk answers and ends the session at once (its thread returns -1).
    sendError(ctx, 'Authentication failed');
    session.end();
    return;
  }
  // The session keeps the name as typed (AccountID shows it), found case-insensitively.
  session.login(getHeader(ctx.message, 'Username'), getHeader(ctx.message, 'Events'));
  sendAck(ctx, 'Authentication accepted');
  if ((session.eventMask & EventFlag.system) !== 0 && (session.readPerm & EventFlag.system) !== 0) {
    // Written as part of the response, not queued: it always directly follows it.
    const uptime = String(Math.floor((Date.now() - ctx.hub.startedAt.getTime()) / 1000));
    ctx.send([
      ['Event', 'FullyBooted'],
      ['Privilege', authorityToString(EventFlag.system)],
      ['Uptime', uptime],
      ['LastReload', uptime],
      ['Status', 'Fully Booted'],
    ]);
  }
  // The security event goes through the event queue to every session allowed to see it.
  const now = new Date();
  ctx.hub.broadcast({
    name: 'SuccessfulAuth',
    category: EventFlag.security,
    fields: [
      ['EventTV', formatEventTime(now)],
      ['Severity', 'Informational'],
      ['Service', 'AMI'],
      ['EventVersion', '1'],
      ['AccountID', session.username],
      ['SessionID', session.sessionId],
      ['LocalAddress', session.localAddress],
      ['RemoteAddress', session.remoteAddress],
      // Recorded as 0 for a plain-text Secret login.
      ['UsingPassword', '0'],
      ['SessionTV', formatEventTime(session.authenticatedAt ?? now)],
    ],
  });
};

/** manager.c `authenticate`: plain `Secret`, or `AuthType: MD5` with `Key` = md5(challenge + secret). */
function authenticate(ctx: ActionContext): AmiUser | undefined {
  const username = getHeader(ctx.message, 'Username');
  if (username === '') return undefined;
  const user = ctx.hub.findUser(username);
  if (!user) return undefined;
  if (getHeader(ctx.message, 'AuthType').toLowerCase() === 'md5') {
    const key = getHeader(ctx.message, 'Key');
    if (key === '' || ctx.session.challenge === '') return undefined;
    const expected = createHash('md5').update(ctx.session.challenge).update(user.secret).digest('hex');
    return key === expected ? user : undefined;
  }
  return getHeader(ctx.message, 'Secret') === user.secret ? user : undefined;
}

export const logoff: ActionHandler = (ctx) => {
  ctx.send([...responseHead(ctx.message, 'Goodbye'), ['Message', 'Thanks for all the fish.']]);
  ctx.session.end();
};

export const challenge: ActionHandler = (ctx) => {
  if (getHeader(ctx.message, 'AuthType').toLowerCase() !== 'md5') {
    sendError(ctx, 'Must specify AuthType');
    return;
  }
  if (ctx.session.challenge === '') {
    ctx.session.challenge = String(Math.floor(Math.random() * 2_147_483_647));
  }
  ctx.send([...responseHead(ctx.message), ['Challenge', ctx.session.challenge]]);
};

export const ping: ActionHandler = (ctx) => {
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  const micros = String((now % 1000) * 1000).padStart(6, '0');
  ctx.send([...responseHead(ctx.message), ['Ping', 'Pong'], ['Timestamp', `${seconds}.${micros}`]]);
};

/** `EventMask: on|off|<class list>` → `Events: On` / `Events: Off` (manager.c `action_events`). */
export const events: ActionHandler = (ctx) => {
  const mask = ctx.session.setEventMask(getHeader(ctx.message, 'EventMask'));
  if (mask > 0) ctx.send([...responseHead(ctx.message), ['Events', 'On']]);
  else if (mask === 0) ctx.send([...responseHead(ctx.message), ['Events', 'Off']]);
  else sendError(ctx, 'Invalid event mask');
};
