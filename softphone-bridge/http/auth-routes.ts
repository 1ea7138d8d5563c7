/**
 * `POST /api/v1/auth/login`: agent id (or admin/supervisor login) and password → a session token
 * (an agent with no usual phone must name the one they sit at: 400 `请填写分机…` otherwise);
 * `POST /api/v1/auth/logout`: ends the caller's session (its token stops working at once, its live
 * sockets close). An agent with no other desktop open is signed out of their phone too (offline, the
 * phone free for the next agent): a ring is withdrawn at once, a call they are on is theirs until it is
 * over (AgentRegistry.signOff).
 *
 * Guessing is slowed twice over: per address (at most `perAddressPerMinute` attempts a minute, 429)
 * and per user name (login-throttle.ts: a temporary lockout after repeated failures, 429). An unknown
 * name costs the same argon2 verification as a known one, so timing tells nothing either.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import Type, { type Static } from 'typebox';
import type { AgentRegistry } from '../../cti/agents/agent-registry.js';
import { findAgentByLogin, type Db } from '../../store/index.js';
import { ApiError, ErrorReply } from './error-replies.js';
import { Endpoint, endpointForm } from './endpoint.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { hashPasswordSync, verifyPassword } from '../auth/passwords.js';
import { ANY_ACCOUNT, sessionGuard, sessionOf } from '../auth/session-guard.js';
import type { Sessions } from '../auth/sessions.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    /** The phone an agent sits at today, `1003` or `PJSIP/1003`; default: their usual one. */
    endpoint: Type.Optional(Endpoint),
  },
  { additionalProperties: false },
);

const LoginReply = Type.Object({
  token: Type.String(),
  role: Type.String(),
  agentId: Type.Integer(),
  name: Type.String(),
  endpoint: Type.Union([Type.String(), Type.Null()]),
});

export interface AuthRoutesOptions {
  db: Db;
  sessions: Sessions;
  throttle: LoginThrottle;
  /** Login attempts one address may make a minute (a centre's agents may share one NAT address). */
  perAddressPerMinute: number;
  /** Who sits at which phone: an agent who logs out is signed out of it. */
  agents: Pick<AgentRegistry, 'signOff'>;
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, { db, sessions, throttle, perAddressPerMinute, agents }) => {
  // Verified against when the name is unknown or has no password, so that every attempt costs the same.
  const decoyHash = hashPasswordSync(`decoy-${Math.random()}`);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new ApiError(429, `登录尝试过于频繁，请 ${Math.max(1, Math.ceil(context.ttl / 1000))} 秒后再试`),
  });

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/auth/login',
    {
      config: { rateLimit: { max: perAddressPerMinute, timeWindow: 60_000 } },
      schema: { body: LoginBody, response: { 200: LoginReply, 400: ErrorReply, 401: ErrorReply, 429: ErrorReply } },
    },
    async (request, reply) => {
      const { username, password, endpoint } = request.body;
      const attempt = await throttle.begin(username);
      if (attempt.refused) {
        void reply.header('retry-after', String(Math.ceil(attempt.lockedMs / 1000)));
        throw new ApiError(429, `登录失败次数过多，该工号已临时锁定，请 ${minutes(attempt.lockedMs)} 分钟后再试，或请管理员解锁`);
      }
      const agent = await findAgentByLogin(db, username);
      const passwordOk = await verifyPassword(agent?.passwordHash ?? decoyHash, password);
      // Same answer for an unknown user, a disabled one and a wrong password: no hint which it was.
      if (!agent?.passwordHash || !agent.enabled || !passwordOk) {
        const lockedNow = throttle.failed(attempt, username, request.ip);
        if (lockedNow > 0) {
          void reply.header('retry-after', String(Math.ceil(lockedNow / 1000)));
          throw new ApiError(429, `登录失败次数过多，该工号已临时锁定 ${minutes(lockedNow)} 分钟，或请管理员解锁`);
        }
        throw new ApiError(401, '工号或密码错误');
      }
      await throttle.succeeded(username);
      // Agents sit at a phone; a supervisor may name the phone they listen on; admins have none.
      const seat = agent.role === 'admin' ? null : endpoint ? endpointForm(endpoint) : agent.endpoint;
      // An agent's desktop takes calls at a phone: one with no usual phone (hot-desking) names the one
      // they sit at, or their desktop's socket would be refused on every try.
      if (agent.role === 'agent' && seat === null) throw new ApiError(400, '请填写分机：您的账号没有固定话机，请填写所坐座位的分机号');
      const token = await sessions.open(agent, seat, request.ip);
      return { token, role: agent.role, agentId: agent.id, name: agent.name, endpoint: seat };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { roles: ANY_ACCOUNT }, onRequest: sessionGuard(sessions), schema: { response: { 204: Type.Null(), 401: ErrorReply } } },
    async (request, reply) => {
      const claims = sessionOf(request);
      await sessions.logout(claims);
      // With no desktop open (its socket already gone) the agent leaves the phone now; a desktop this
      // session still had open does it as it closes (agent-gateway), and another session's desktop keeps them.
      if (claims.role === 'agent') agents.signOff(claims.agentId);
      return reply.code(204).send(null);
    },
  );
};
