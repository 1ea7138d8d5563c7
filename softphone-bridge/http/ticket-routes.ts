/**
 * Tickets over HTTP: read, save the draft as the agent types and register it (登记完成) during the call,
 * move it through the lifecycle, extend, search, and list the agent's own (我的工单). An agent may
 * read, fill and move (direct answer, dispatch) only tickets of calls they took; supervisors and admins
 * may act on any. Every read is audited too: tickets hold personal data, and a confidential ticket's
 * caller is masked for everyone but its own agent (routing/tickets/confidentiality.ts).
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
  clockOf,
  findHandlingUnit,
  findTicketByNumber,
  listAgentTickets,
  listTicketRecordings,
  searchTickets,
  shanghaiDay,
  shanghaiDayBounds,
  ticketHistory,
  writeAudit,
  type Db,
  type TicketRow,
} from '../../store/index.js';
import { callerView, formForAudit, historyView } from '../../routing/tickets/confidentiality.js';
import { fieldsWithoutPrevious } from '../../routing/tickets/form-conflicts.js';
import { CalendarDate, FreeText, MultilineText, Pattern } from './free-text.js';
import { utcIso } from './date-time.js';
import { ErrorReply as BadRequestReply } from './error-replies.js';
import { ticketOptionsRoute } from './ticket-options-route.js';
import { assertRolesDeclared, EVERYONE, sessionGuard, sessionOf } from '../auth/session-guard.js';
import type { Sessions } from '../auth/sessions.js';
import type { SessionClaims } from '../auth/tokens.js';

const Params = Type.Object({ number: Pattern('^[0-9]{6,16}$', '工单编号，6–16 位数字') });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/**
 * The values the client last read of the fields it sends (what it had on screen; a confidential
 * caller masked as it was shown): loose types, since a stored value (an empty 诉求类型, a masked
 * number) need not pass the rules of a new one. Checked against the ticket in ticket-service.ts.
 */
const LooseText = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })));
const PreviousForm = Type.Object(
  {
    category: LooseText(32),
    urgency: LooseText(32),
    content: LooseText(8000),
    address: LooseText(400),
    disposition: LooseText(32),
    callerName: LooseText(64),
    contactPhone: LooseText(32),
    confidential: Type.Optional(Type.Boolean()),
    matterId: Type.Optional(Nullable(Type.Integer())),
    districtCode: LooseText(16),
    streetCode: LooseText(16),
    handlingUnitId: Type.Optional(Nullable(Type.Integer())),
    dueOverride: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    dueReason: LooseText(400),
    knowledgeLinks: Type.Optional(Nullable(Type.Array(Type.Object({ entryId: Type.Integer(), title: Type.String({ maxLength: 400 }) }, { additionalProperties: false }), { maxItems: 50 }))),
  },
  {
    additionalProperties: false,
    description: '上次读取时这些字段的值（本次保存的每个字段都须附上）：其间已被他人改为别的值的字段不会被覆盖，整次保存以 409 拒绝。不附则按旧方式直接保存',
  },
);
const FormBody = Type.Object(
  {
    previous: Type.Optional(PreviousForm),
    category: Type.Optional(Type.Union(TICKET_CATEGORIES.map((c) => Type.Literal(c)), { description: '诉求类型' })),
    urgency: Type.Optional(Type.Union(TICKET_URGENCIES.map((u) => Type.Literal(u)), { description: '紧急程度' })),
    content: Type.Optional(MultilineText({ maxLength: 4000, description: '诉求内容' })),
    address: Type.Optional(Nullable(FreeText({ maxLength: 200, description: '详细地址' }))),
    disposition: Type.Optional(Type.Union(TICKET_DISPOSITIONS.map((d) => Type.Literal(d)), { description: '处理方式' })),
    callerName: Type.Optional(Nullable(FreeText({ maxLength: 32, description: '来电人姓名' }))),
    contactPhone: Type.Optional(Nullable(Pattern('^\\+?[0-9]{3,20}$', '数字，可带 +，3–20 位', { description: '联系电话' }))),
    confidential: Type.Optional(Type.Boolean({ description: '是否保密' })),
    matterId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: '诉求分类（分类树的末级节点）' }))),
    districtCode: Type.Optional(Nullable(Pattern('^[0-9]{6}$', '区/县代码，6 位数字', { description: '事发区/县（行政区划代码）' }))),
    streetCode: Type.Optional(Nullable(Pattern('^[0-9]{9}$', '乡镇/街道代码，9 位数字', { description: '事发乡镇/街道（行政区划代码）' }))),
    handlingUnitId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: '承办单位' }))),
    dueOverride: Type.Optional(Nullable(Type.String({ format: 'date-time', description: '办理时限（不填按规定时限；晚于规定时限须填理由）' }))),
    dueReason: Type.Optional(Nullable(FreeText({ maxLength: 200, description: '办理时限延长理由' }))),
    knowledgeLinks: Type.Optional(
      Type.Array(Type.Object({ entryId: Type.Integer({ minimum: 1 }), title: FreeText({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }), {
        maxItems: 20,
        description: '关联的知识库条目',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
const ErrorReply = Type.Object({ error: Type.String() });
/** 409 of a form save: the fields someone else changed since the client read them, in the form's words. */
const ConflictReply = Type.Object({ error: Type.String(), fields: Type.Optional(Type.Array(Type.String())) });
/** 422: the fields 登记完成 still needs, in the form's words. */
const IncompleteReply = Type.Object({ error: Type.String(), missing: Type.Array(Type.String()) });
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
  /** The latest recording only, kept for compatibility: a ticket's every recording is `recordings` in the read's answer. */
  recording: Nullable(Type.String({ description: '最新一段录音名（为兼容保留）；工单的全部录音见 GET /api/v1/tickets/:number 的 recordings' })),
  dueAt: Nullable(Type.String()),
  dispatchDueAt: Nullable(Type.String()),
  dispatchedAt: Nullable(Type.String()),
  extensions: Type.Integer(),
  satisfaction: Nullable(Type.String()),
  callerName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  confidential: Type.Boolean(),
  matterId: Nullable(Type.Integer()),
  matterPath: Nullable(Type.String()),
  districtCode: Nullable(Type.String()),
  districtName: Nullable(Type.String()),
  streetCode: Nullable(Type.String()),
  streetName: Nullable(Type.String()),
  handlingUnitId: Nullable(Type.Integer()),
  handlingUnit: Nullable(Type.String()),
  dueOverride: Nullable(Type.String()),
  dueReason: Nullable(Type.String()),
  knowledgeLinks: Type.Array(Type.Object({ entryId: Type.Integer(), title: Type.String() })),
  registeredAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
/** One recording of the ticket (store/repos/ticket-recordings.ts); the list goes to whoever may read the ticket. */
const RecordingEntry = Type.Object({
  name: Type.String({ description: '录音名（PBX 上的存储录音，ARI /recordings/stored/{name}），与 recording 字段同值' }),
  startedAt: Type.String({ description: '录音开始（接听）时间' }),
  deletedAt: Nullable(Type.String({ description: '已按保留期删除的时间；仍列出，但已无法调取' })),
  agentId: Nullable(Type.Integer()),
  agentLogin: Nullable(Type.String({ description: '接听坐席工号（早于按录音记录坐席的录音可能不详）' })),
  agentName: Nullable(Type.String()),
  callId: Type.String({ description: '所属通话（Asterisk linkedid，即坐席消息中的 callId）' }),
  origin: Type.Union([Type.Literal('original'), Type.Literal('callback')], { description: 'original 工单本身的来电；callback 回拨（坐席回拨、漏接自动回拨）' }),
  node: Nullable(Type.String({ description: '录音所在的 Asterisk 节点' })),
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
    callerName: Type.Optional(FreeText({ minLength: 1, maxLength: 32, description: '来电人姓名（部分即可）' })),
    text: Type.Optional(FreeText({ minLength: 1, maxLength: 100, description: '诉求内容、分类或地址中的文字' })),
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
  if (error.kind === 'incomplete') return reply.code(422).send({ error: error.message, missing: error.missing });
  if (error.kind === 'conflict' && error.fields.length > 0) return reply.code(409).send({ error: error.message, fields: error.fields });
  return reply.code(error.kind === 'not-found' ? 404 : 409).send({ error: error.message });
}

/** The ticket as this reader may see it: the unit's name, and a confidential caller masked unless they took the call. */
async function view(db: Db, ticket: TicketRow, claims: SessionClaims) {
  const unit = ticket.handlingUnitId === null ? null : ((await findHandlingUnit(db, ticket.handlingUnitId))?.name ?? null);
  return { ...callerView(ticket, claims.agentId), handlingUnit: unit, knowledgeLinks: ticket.knowledgeLinks ?? [] };
}

const MineQuery = Type.Object({ day: Type.Optional(CalendarDate({ description: '哪一天（北京时间），默认今天' })) }, { additionalProperties: false });

export const ticketRoutes: FastifyPluginAsync<{ db: Db; sessions: Sessions; tickets: TicketService }> = (app, { db, sessions, tickets }) => {
  // Every ticket route needs a live session (checked before the body is read); who may do what to
  // which ticket is decided per route below.
  app.addHook('onRoute', assertRolesDeclared);
  app.addHook('onRequest', sessionGuard(sessions));
  ticketOptionsRoute(app, db);

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/api/v1/tickets',
    { config: { roles: EVERYONE }, schema: { querystring: SearchQuery, response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Ticket) }), 401: ErrorReply } } },
    async (request) => {
      const claims = sessionOf(request);
      const q = request.query;
      // Compared as text with the stored UTC times: any offset the client sent is turned into UTC first.
      const from = q.from === undefined ? undefined : utcIso(q.from, '/from', 'querystring');
      const to = q.to === undefined ? undefined : utcIso(q.to, '/to', 'querystring');
      await writeAudit(db, { actor: claims.login, action: 'search', entity: 'ticket', after: q });
      const found = await searchTickets(db, {
        ...(q.number ? { number: q.number } : {}),
        ...(q.caller ? { callerNumber: q.caller } : {}),
        ...(q.callerName ? { callerName: q.callerName } : {}),
        ...(q.text ? { text: q.text } : {}),
        viewerAgentId: claims.agentId,
        ...(q.status ? { status: q.status } : {}),
        ...(q.hotline ? { hotline: q.hotline } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(q.overdue ? { overdueAt: nowIso(db) } : {}),
        // Agents find only the tickets of calls they took.
        ...(claims.role === 'agent' ? { agentId: claims.agentId } : {}),
        page: q.page,
        pageSize: q.pageSize,
      });
      return { total: found.total, items: await Promise.all(found.items.map((t) => view(db, t, claims))) };
    },
  );

  app.get<{ Querystring: Static<typeof MineQuery> }>(
    '/api/v1/tickets/mine',
    { config: { roles: EVERYONE }, schema: { querystring: MineQuery, response: { 200: Type.Object({ day: Type.String(), items: Type.Array(Ticket) }), 401: ErrorReply } } },
    async (request) => {
      const claims = sessionOf(request);
      const day = request.query.day ?? shanghaiDay(clockOf(db).now());
      const { from, to } = shanghaiDayBounds(day);
      return { day, items: await Promise.all((await listAgentTickets(db, claims.agentId, from, to)).map((t) => view(db, t, claims))) };
    },
  );

  app.post<{ Params: Static<typeof Params> }>(
    '/api/v1/tickets/:number/register',
    {
      config: { roles: EVERYONE },
      schema: { params: Params, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 422: IncompleteReply } },
    },
    async (request, reply) => {
      const claims = sessionOf(request);
      const ticket = await findTicketByNumber(db, request.params.number);
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      if (claims.role !== 'admin' && ticket.agentId !== claims.agentId) return reply.code(403).send({ error: '只能登记本人受理的工单' });
      try {
        return { ticket: await view(db, await tickets.completeRegistration(ticket.number, claims.login), claims) };
      } catch (error) {
        return sendTicketError(reply, error);
      }
    },
  );

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof ActionBody> }>(
    '/api/v1/tickets/:number/actions',
    { config: { roles: EVERYONE }, schema: { params: Params, body: ActionBody, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const claims = sessionOf(request);
      const ticket = await findTicketByNumber(db, request.params.number);
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      if (claims.role === 'agent' && (ticket.agentId !== claims.agentId || !AGENT_ACTIONS.has(request.body.action))) {
        return reply.code(403).send({ error: '坐席只能对本人受理的工单直接办结或派单' });
      }
      try {
        const moved = await tickets.act(ticket.number, request.body.action, claims.login, {
          note: request.body.note ?? null,
          ...(request.body.satisfaction ? { satisfaction: request.body.satisfaction } : {}),
        });
        return { ticket: await view(db, moved, claims) };
      } catch (error) {
        return sendTicketError(reply, error);
      }
    },
  );

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof ExtensionBody> }>(
    '/api/v1/tickets/:number/extensions',
    { config: { roles: EVERYONE }, schema: { params: Params, body: ExtensionBody, response: { 200: Type.Object({ ticket: Ticket }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } } },
    async (request, reply) => {
      const claims = sessionOf(request);
      if (claims.role === 'agent') return reply.code(403).send({ error: '延期须由班长或管理员办理' });
      try {
        return { ticket: await view(db, await tickets.extend(request.params.number, claims.login, { note: request.body.note, approver: request.body.approver ?? null }), claims) };
      } catch (error) {
        return sendTicketError(reply, error);
      }
    },
  );

  app.get<{ Params: Static<typeof Params> }>(
    '/api/v1/tickets/:number',
    {
      config: { roles: EVERYONE },
      schema: {
        params: Params,
        response: { 200: Type.Object({ ticket: Ticket, history: Type.Array(HistoryEntry), recordings: Type.Array(RecordingEntry) }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const claims = sessionOf(request);
      const ticket = await findTicketByNumber(db, request.params.number);
      // The recordings go with the ticket: whoever may read it (its own agent, supervisors, admins) gets them, nobody else.
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      await writeAudit(db, { actor: claims.login, action: 'read', entity: 'ticket', entityId: ticket.number });
      const [shown, history, recordings] = await Promise.all([view(db, ticket, claims), ticketHistory(db, ticket.id), listTicketRecordings(db, ticket)]);
      return { ticket: shown, history: historyView(history, ticket, claims.agentId), recordings };
    },
  );

  app.patch<{ Params: Static<typeof Params>; Body: Static<typeof FormBody> }>(
    '/api/v1/tickets/:number',
    {
      config: { roles: EVERYONE },
      schema: {
        params: Params,
        body: FormBody,
        response: { 200: Type.Object({ ticket: Ticket }), 400: BadRequestReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ConflictReply, 422: IncompleteReply },
      },
    },
    async (request, reply) => {
      const claims = sessionOf(request);
      const ticket = await findTicketByNumber(db, request.params.number);
      if (!ticket || !mayRead(claims, ticket)) return notFound(reply);
      if (claims.role !== 'admin' && ticket.agentId !== claims.agentId) return reply.code(403).send({ error: '只能登记本人受理的工单' });
      const { previous, ...body } = request.body;
      // Stored and compared with the UTC times the server writes: any offset sent is turned into UTC.
      const form = typeof body.dueOverride === 'string' ? { ...body, dueOverride: utcIso(body.dueOverride, '/dueOverride', 'body') } : body;
      if (Object.keys(body).length === 0) return reply.code(400).send({ error: '请至少提交一个工单字段' });
      let base: Parameters<TicketService['register']>[3];
      if (previous) {
        const unnamed = fieldsWithoutPrevious(form, previous);
        if (unnamed.length > 0) return reply.code(400).send({ error: `previous 须附上本次保存的每个字段的原值，缺少：${unnamed.join('、')}` });
        const previousDue = typeof previous.dueOverride === 'string' ? utcIso(previous.dueOverride, '/previous/dueOverride', 'body') : previous.dueOverride;
        base = { previous: previousDue === undefined ? previous : { ...previous, dueOverride: previousDue }, viewerAgentId: claims.agentId };
      }
      let saved: TicketRow;
      try {
        saved = await tickets.register(ticket.number, form, claims.login, base);
      } catch (error) {
        return sendTicketError(reply, error);
      }
      // What was sent (drafts are saved as the agent types), without the caller's identity.
      await writeAudit(db, { actor: claims.login, action: 'update', entity: 'ticket', entityId: ticket.number, after: formForAudit(body) });
      return { ticket: await view(db, saved, claims) };
    },
  );
  return Promise.resolve();
};
