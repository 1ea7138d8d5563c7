/**
 * The ticket an agent registers during a call (登记): `GET` and `PATCH /api/v1/tickets/:number`.
 * An agent may read and fill only tickets of calls they took; supervisors and admins may read any.
 * Every read is audited too: tickets hold citizens' personal data.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import {
  TICKET_CATEGORIES,
  TICKET_DISPOSITIONS,
  TICKET_URGENCIES,
  findTicketByNumber,
  saveTicketForm,
  ticketHistory,
  writeAudit,
  type Db,
  type TicketRow,
} from '../../store/index.js';
import { requestToken } from '../auth/request-token.js';
import type { SessionClaims, TokenService } from '../auth/tokens.js';

const Params = Type.Object({ number: Type.String({ pattern: '^[0-9]{6,16}$' }) });
const FormBody = Type.Object(
  {
    category: Type.Optional(Type.Union(TICKET_CATEGORIES.map((c) => Type.Literal(c)))),
    urgency: Type.Optional(Type.Union(TICKET_URGENCIES.map((u) => Type.Literal(u)))),
    content: Type.Optional(Type.String({ maxLength: 4000 })),
    address: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    disposition: Type.Optional(Type.Union(TICKET_DISPOSITIONS.map((d) => Type.Literal(d)))),
  },
  { additionalProperties: false, minProperties: 1 },
);
const ErrorReply = Type.Object({ error: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Ticket = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  callerNumber: Type.String(),
  dialledNumber: Type.String(),
  hotline: Type.String(),
  category: Nullable(Type.String()),
  urgency: Nullable(Type.String()),
  status: Type.String(),
  content: Type.String(),
  address: Nullable(Type.String()),
  disposition: Nullable(Type.String()),
  agentId: Nullable(Type.Integer()),
  recording: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const HistoryEntry = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  kind: Type.String(),
  fromStatus: Nullable(Type.String()),
  toStatus: Nullable(Type.String()),
  note: Nullable(Type.String()),
});

async function session(tokens: TokenService, request: FastifyRequest, reply: FastifyReply): Promise<SessionClaims | undefined> {
  const token = requestToken(request);
  const claims = token ? await tokens.verify(token) : null;
  if (!claims) {
    await reply.code(401).send({ error: '未登录或登录已过期' });
    return undefined;
  }
  return claims;
}

const mayRead = (claims: SessionClaims, ticket: TicketRow) => claims.role !== 'agent' || ticket.agentId === claims.agentId;

export const ticketRoutes: FastifyPluginAsync<{ db: Db; tokens: TokenService }> = (app, { db, tokens }) => {
  app.get<{ Params: Static<typeof Params> }>(
    '/api/v1/tickets/:number',
    { schema: { params: Params, response: { 200: Type.Object({ ticket: Ticket, history: Type.Array(HistoryEntry) }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const claims = await session(tokens, request, reply);
      if (!claims) return reply;
      const ticket = findTicketByNumber(db, request.params.number);
      if (!ticket) return reply.code(404).send({ error: '工单不存在' });
      if (!mayRead(claims, ticket)) return reply.code(403).send({ error: '只能查看本人受理的工单' });
      writeAudit(db, { actor: claims.login, action: 'read', entity: 'ticket', entityId: ticket.number });
      return { ticket, history: ticketHistory(db, ticket.id) };
    },
  );

  app.patch<{ Params: Static<typeof Params>; Body: Static<typeof FormBody> }>(
    '/api/v1/tickets/:number',
    { schema: { params: Params, body: FormBody, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const claims = await session(tokens, request, reply);
      if (!claims) return reply;
      const ticket = findTicketByNumber(db, request.params.number);
      if (!ticket) return reply.code(404).send({ error: '工单不存在' });
      if (claims.role !== 'admin' && ticket.agentId !== claims.agentId) return reply.code(403).send({ error: '只能登记本人受理的工单' });
      const saved = saveTicketForm(db, ticket.id, request.body, claims.login);
      writeAudit(db, { actor: claims.login, action: 'update', entity: 'ticket', entityId: ticket.number, before: ticket, after: saved });
      return { ticket: saved };
    },
  );
  return Promise.resolve();
};
