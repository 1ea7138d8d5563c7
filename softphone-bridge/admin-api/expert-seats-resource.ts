/**
 * Expert seats (专家座席): a department's expert, either an agent of the centre or an outside number
 * reached through the trunk — exactly one of the two — with a skill and on-duty windows in local time
 * (`from` < `to`; `to` may be `24:00`, a window over midnight is two windows) on weekdays (`days`) or
 * on the working-day calendar (`calendar`: `workdays` follows 法定节假日 and 调休, `rest-days` the other days).
 * Transfers read them fresh, so a change applies to the next transfer. A seat sat in by an agent also
 * gives that agent the seat's skill for call distribution while it is enabled and on duty: every change
 * re-reads the live agent registry, so it applies to the next offer (and a ready agent who gains the
 * skill is offered the callers already waiting for it).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import {
  createExpertSeat,
  deleteExpertSeat,
  findAgent,
  findExpertSeat,
  findSkill,
  listExpertSeats,
  updateExpertSeat,
  type Db,
  type ExpertSeatRow,
} from '../../store/index.js';
import { FreeText } from '../http/free-text.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies, invalid, notFound, type ErrorDetail } from '../http/error-replies.js';
import { ADMIN, EVERYONE, sessionOf } from '../auth/session-guard.js';
import { ClockTime, ClockTimeEnd, Id, IdParams, Name, Nullable, PhoneNumber } from './schemas.js';

const WeekdayWindow = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true, description: '星期，1 = 周一 … 7 = 周日' }),
    from: ClockTime,
    /** `24:00`: on duty until midnight (the last minute 23:59 included). */
    to: ClockTimeEnd,
  },
  { additionalProperties: false },
);
/** A window on China's working-day calendar (法定节假日与调休, with the corrections of `/api/v1/calendar`). */
const CalendarWindow = Type.Object(
  {
    calendar: Type.Union([Type.Literal('workdays'), Type.Literal('rest-days')], {
      description: 'workdays = 工作日（含调休上班的周末，不含法定节假日）；rest-days = 休息日（周末与法定节假日，不含调休上班日）',
    }),
    from: ClockTime,
    to: ClockTimeEnd,
  },
  { additionalProperties: false },
);
/** Either weekdays or the working-day calendar, never both: a stored weekday window keeps its meaning. */
const DutyWindow = Type.Union([WeekdayWindow, CalendarWindow]);
const DutyWindows = Type.Array(DutyWindow, { maxItems: 20, description: '值班时间；空表示全天' });

const ExpertSeat = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  department: Type.String(),
  agentId: Nullable(Type.Integer()),
  externalNumber: Nullable(Type.String()),
  skillId: Type.Integer(),
  onDuty: DutyWindows,
  enabled: Type.Boolean(),
});

const SeatBody = Type.Object(
  {
    name: Name,
    department: FreeText({ minLength: 1, maxLength: 64, description: '所属单位' }),
    agentId: Type.Optional(Nullable(Id)),
    externalNumber: Type.Optional(Nullable(PhoneNumber)),
    skillId: Id,
    onDuty: Type.Optional(DutyWindows),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const SeatPatch = Type.Partial(SeatBody, { additionalProperties: false, minProperties: 1 });
type SeatBody = Static<typeof SeatBody>;

const TAGS = ['专家座席 expert seats'];

const view = (row: ExpertSeatRow): Static<typeof ExpertSeat> => ({
  ...row,
  onDuty: Value.Check(DutyWindows, row.onDuty) ? row.onDuty : [],
});

/**
 * What a seat must hold. The agent's role (话务坐席) is checked when the agent is chosen, not on every
 * later change: the agents API refuses to give a seat's agent another role.
 */
async function checkSeat(db: Db, seat: SeatBody, agentChosen: boolean): Promise<void> {
  const details: ErrorDetail[] = [];
  const hasAgent = seat.agentId != null;
  const hasNumber = seat.externalNumber != null;
  if (hasAgent === hasNumber) details.push({ field: hasAgent ? '/externalNumber' : '/agentId', message: '坐席（agentId）与外部号码（externalNumber）必须且只能填写一个' });
  if (seat.agentId != null) {
    const agent = await findAgent(db, seat.agentId);
    if (!agent) details.push({ field: '/agentId', message: `坐席不存在: ${seat.agentId}` });
    else if (agentChosen && agent.role !== 'agent') details.push({ field: '/agentId', message: `${agent.login} 不是话务坐席，不能作为专家座席` });
  }
  if (!(await findSkill(db, seat.skillId))) details.push({ field: '/skillId', message: `技能不存在: ${seat.skillId}` });
  (seat.onDuty ?? []).forEach((w, i) => {
    if (w.from >= w.to) details.push({ field: `/onDuty/${i}/to`, message: '结束时间必须晚于开始时间（不支持跨零点，请拆成两段，如 22:00-24:00 与 00:00-08:00）' });
  });
  if (details.length) throw invalid(details);
}

export const expertSeatsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db, agents }) => {
  app.get(
    '/expert-seats',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '专家座席列表', response: { 200: Type.Array(ExpertSeat), ...errorReplies(401, 403) } } },
    async () => (await listExpertSeats(db)).map(view),
  );

  app.get(
    '/expert-seats/:id',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '查看专家座席', params: IdParams, response: { 200: ExpertSeat, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const seat = await findExpertSeat(db, request.params.id);
      if (!seat) throw notFound(`专家座席不存在: ${request.params.id}`);
      return view(seat);
    },
  );

  app.post(
    '/expert-seats',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增专家座席', body: SeatBody, response: { 201: ExpertSeat, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      await checkSeat(db, request.body, true);
      const seat = await audited(db, sessionOf(request).login, 'expert-seat', 'create', async (tx) => {
        const created = view(await createExpertSeat(tx, request.body));
        return { id: created.id, after: created, result: created };
      });
      await agents.reload();
      reply.code(201);
      return seat;
    },
  );

  app.patch(
    '/expert-seats/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '修改专家座席', params: IdParams, body: SeatPatch, response: { 200: ExpertSeat, ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request) => {
      const row = await findExpertSeat(db, request.params.id);
      if (!row) throw notFound(`专家座席不存在: ${request.params.id}`);
      const before = view(row);
      await checkSeat(db, { ...before, ...request.body }, request.body.agentId !== undefined);
      const seat = await audited(db, sessionOf(request).login, 'expert-seat', 'update', async (tx) => {
        const after = view(await updateExpertSeat(tx, before.id, request.body));
        return { id: before.id, before, after, result: after };
      });
      await agents.reload();
      return seat;
    },
  );

  app.delete(
    '/expert-seats/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除专家座席', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } },
    async (request, reply) => {
      const row = await findExpertSeat(db, request.params.id);
      if (!row) throw notFound(`专家座席不存在: ${request.params.id}`);
      await audited(db, sessionOf(request).login, 'expert-seat', 'delete', async (tx) => {
        await deleteExpertSeat(tx, row.id);
        return { id: row.id, before: view(row), result: null };
      });
      await agents.reload();
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
