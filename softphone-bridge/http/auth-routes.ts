/** `POST /api/v1/auth/login`: agent id (or admin/supervisor login) and password → a session token. */
import type { FastifyPluginAsync } from 'fastify';
import Type, { type Static } from 'typebox';
import { findAgentByLogin, type Db } from '../../store/index.js';
import { verifyPassword } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    /** The phone an agent sits at today, e.g. `PJSIP/1003`; default: their usual one. */
    endpoint: Type.Optional(Type.String({ pattern: '^[A-Za-z]+/[A-Za-z0-9_.-]+$' })),
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

const ErrorReply = Type.Object({ error: Type.String() });

export const authRoutes: FastifyPluginAsync<{ db: Db; tokens: TokenService }> = (app, { db, tokens }) => {
  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/auth/login',
    { schema: { body: LoginBody, response: { 200: LoginReply, 401: ErrorReply } } },
    async (request, reply) => {
      const { username, password, endpoint } = request.body;
      const agent = findAgentByLogin(db, username);
      // Same answer for an unknown user and a wrong password: no hint which one was wrong.
      if (!agent || !agent.enabled || !(await verifyPassword(agent.passwordHash, password))) {
        return reply.code(401).send({ error: '工号或密码错误' });
      }
      // Agents sit at a phone; a supervisor may name the phone they listen on; admins have none.
      const seat = agent.role === 'admin' ? null : (endpoint ?? agent.endpoint);
      const token = await tokens.sign({ agentId: agent.id, login: agent.login, role: agent.role, endpoint: seat });
      return { token, role: agent.role, agentId: agent.id, name: agent.name, endpoint: seat };
    },
  );
  return Promise.resolve();
};
