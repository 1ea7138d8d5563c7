/**
 * Tickets over HTTP: read and register (登记) during the call, move through the lifecycle, extend,
 * search. An agent may read, fill and move (direct answer, dispatch) only tickets of calls they took;
 * supervisors and admins may act on any. Every read is audited too: tickets hold personal data.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import Type, { type Static } from 'typebox';
import { TicketError, type TicketService } from '../../cti/tickets/ticket-service.js';
import {
  nowIso,
  TICKET_CATEGORIES,
  TICKET_DISPOSITIONS,
  TICKET_STATUSES,
  TICKET_URGENCIES,
  findTicketByNumber,
  searchTickets,
  ticketHistory,
  writeAudit,
  type Db,
  type TicketRow,
} from '../../store/index.js';
import { FreeText, MultilineText, Pattern } from './free-text.js';
import { assertRolesDeclared, EVERYONE, sessionGuard, sessionOf } from '../auth/session-guard.js';
import type { Sessions } from '../auth/sessions.js';
import type { SessionClaims } from '../auth/tokens.js';

const Params = Type.Object({ number: Pattern('^[0-9]{6,16}$', '工单编号，6–16 位数字') });
const FormBody = Type.Object(
  {
    category: Type.Optional(Type.Union(TICKET_CATEGORIES.map((c) => Type.Literal(c)))),
    urgency: Type.Optional(Type.Union(TICKET_URGENCIES.map((u) => Type.Literal(u)))),
    content: Type.Optional(MultilineText({ maxLength: 4000 })),
    address: Type.Optional(Type.Union([FreeText({ maxLength: 200 }), Type.Null()])),
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
  dispatchDueAt: Nullable(Type.String()),
  dispatchedAt: Nullable(Type.String()),
  extensions: Type.Integer(),
  satisfaction: Nullable(Type.String()),
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

const mayRead = (claims: SessionClaims, ticket: TicketRow) => claims.role !== 'agent' || ticket.agentId === claims.agentId;

/**
 * A ticket that does not exist and one the agent may not see get the same answer, so that ticket
 * numbers (sequential per day) cannot be probed for existence.
 */
const notFound = (reply: FastifyReply) => reply.code(404).send({ error: '工单不存在' });

const ActionBody = Type.Object(
  {
    action: Type.Union(
      ['answer-directly', 'dispatch', 'take', 'return', 'refuse-return', 'supervise', 'reply', 'close', 'start-callback', 'evaluate', 'redo'].map((a) =>
        Type.Literal(a),
      ),
    ),
    note: Type.Optional(MultilineText({ maxLength: 1000 })),
    satisfaction: Type.Optional(
      Type.Union([Type.Literal('satisfied'), Type.Literal('basically-satisfied'), Type.Literal('dissatisfied'), Type.Literal('no-answer')]),
    ),
  },
  { additionalProperties: false },
);
const ExtensionBody = Type.Object(
  { note: MultilineText({ minLength: 1, maxLength: 1000 }), approver: Type.Optional(FreeText({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
const SearchQuery = Type.Object(
  {
    number: Type.Optional(Pattern('^[0-9]{1,16}$', '工单编号，数字')),
    caller: Type.Optional(Pattern('^[0-9+]{3,20}$', '来电号码，数字，可带 +')),
    status: Type.Optional(Type.Union(TICKET_STATUSES.map((t) => Type.Literal(t)))),
    hotline: Type.Optional(FreeText({ maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    overdue: Type.Optional(Type.Boolean()),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

/** Moves an agent may make on their own tickets; everything else is for supervisors and admins. */
const AGENT_ACTIONS = new Set(['answer-directly', 'dispatch']);

function sendTicketError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof TicketError)) throw error;
  return reply.code(error.kind === 'not-found' ? 404 : 409).send({ error: error.message });
}

export const ticketRoutes: FastifyPluginAsync<{ db: Db; sessions: Sessions; tickets: TicketService }> = (app, { db, sessions, tickets }) => {
  // Every ticket route needs a live session (checked before the body is read); who may do what to
  // which ticket is decided per route below.
  app.addHook('onRoute', assertRolesDeclared);
  app.addHook('onRequest', sessionGuard(sessions));

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/api/v1/tickets',
    { config: { roles: EVERYONE }, schema: { querystring: SearchQuery, response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Ticket) }), 401: ErrorReply } } },
    (request) => {
      const claims = sessionOf(request);
      const q = request.query;
      writeAudit(db, { actor: claims.login, action: 'search', entity: 'ticket', after: q });
      return searchTickets(db, {
        ...(q.number ? { number: q.number } : {}),
        ...(q.caller ? { callerNumber: q.caller } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.hotline ? { hotline: q.hotline } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.overdue ? { overdueAt: nowIso(db) } : {}),
        // Agents find only the tickets of calls they took.
        ...(claims.role === 'agent' ? { agentId: claims.agentId } : {}),
        page: q.page,
        pageSize: q.pageSize,
      });
    },
  );

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof ActionBody> }>(
    '/api/v1/tickets/:number/actions',
    { config: { roles: EVERYONE }, schema: { params: Params, body: ActionBody, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    (request, reply) => {
      const claims = sessionOf(request);
      const ticket = findTicketByNumber(db, request.params.number);
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      if (claims.role === 'agent' && (ticket.agentId !== claims.agentId || !AGENT_ACTIONS.has(request.body.action))) {
        return reply.code(403).send({ error: '坐席只能对本人受理的工单直接办结或派单' });
      }
      try {
        const moved = tickets.act(ticket.number, request.body.action, claims.login, {
          note: request.body.note ?? null,
          ...(request.body.satisfaction ? { satisfaction: request.body.satisfaction } : {}),
        });
        return { ticket: moved };
      } catch (error) {
        return sendTicketError(reply, error);
      }
    },
  );

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof ExtensionBody> }>(
    '/api/v1/tickets/:number/extensions',
    { config: { roles: EVERYONE }, schema: { params: Params, body: ExtensionBody, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    (request, reply) => {
      const claims = sessionOf(request);
      if (claims.role === 'agent') return reply.code(403).send({ error: '延期须由班长或管理员办理' });
      try {
        return { ticket: tickets.extend(request.params.number, claims.login, { note: request.body.note, approver: request.body.approver ?? null }) };
      } catch (error) {
        return sendTicketError(reply, error);
      }
    },
  );

  app.get<{ Params: Static<typeof Params> }>(
    '/api/v1/tickets/:number',
    { config: { roles: EVERYONE }, schema: { params: Params, response: { 200: Type.Object({ ticket: Ticket, history: Type.Array(HistoryEntry) }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    (request, reply) => {
      const claims = sessionOf(request);
      const ticket = findTicketByNumber(db, request.params.number);
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      writeAudit(db, { actor: claims.login, action: 'read', entity: 'ticket', entityId: ticket.number });
      return { ticket, history: ticketHistory(db, ticket.id) };
    },
  );

  app.patch<{ Params: Static<typeof Params>; Body: Static<typeof FormBody> }>(
    '/api/v1/tickets/:number',
    { config: { roles: EVERYONE }, schema: { params: Params, body: FormBody, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    (request, reply) => {
      const claims = sessionOf(request);
      const ticket = findTicketByNumber(db, request.params.number);
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      if (claims.role !== 'admin' && ticket.agentId !== claims.agentId) return reply.code(403).send({ error: '只能登记本人受理的工单' });
      const saved = tickets.register(ticket.number, request.body, claims.login);
      writeAudit(db, { actor: claims.login, action: 'update', entity: 'ticket', entityId: ticket.number, before: ticket, after: saved });
      return { ticket: saved };
    },
  );
  return Promise.resolve();
};
