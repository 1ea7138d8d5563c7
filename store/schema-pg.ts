/**
 * The PostgreSQL DDL of the schema in `store/schema.ts`: the same tables, columns, keys, indexes and
 * checks, in drizzle's pg-core, so that drizzle-kit can generate the migrations in
 * `store/migrations-pg/` (`npm run db:generate:pg`). Queries do not use these tables: on both
 * databases the repositories build them with schema.ts's tables, so every column here must hold
 * what schema.ts's column mappers expect — booleans as `boolean`, JSON as `text` (the mapper parses
 * a string, so not `jsonb`), times as ISO-8601 UTC `text` (a `real` would be `doublePrecision`;
 * there is none yet). test/store/schema-parity.test.ts keeps the two files in step.
 *
 * drizzle-kit writes foreign keys as `REFERENCES "public"."…"`, so the migrations create the
 * tables in the `public` schema of the database they run in, not in another schema.
 *
 * SQLite-only objects left out here (they live in hand-written SQL of store/migrations/, not in
 * schema.ts):
 * - `knowledge_fts`, the FTS5 virtual table of published knowledge (0016_knowledge_base.sql):
 *   FTS5 and its bm25 ranking do not exist in PostgreSQL; its search is done separately there
 *   (`knowledge_search` below).
 * - The append-only triggers on `ticket_events` and `audit_log` (0001_append_only.sql): SQLite
 *   trigger syntax (`RAISE(ABORT, …)`); PostgreSQL has its own trigger function for the same rule in
 *   the custom migration store/migrations-pg/0002_append_only.sql (drizzle schemas cannot express
 *   triggers); `test/store/append-only` checks both.
 *
 * PostgreSQL-only objects left out here (hand-written SQL of store/migrations-pg/, not in schema.ts):
 * - `knowledge_search`, the full-text index of published knowledge (0001_knowledge_search.sql, a
 *   custom migration): the segmented title, answer and keywords of each published entry and their
 *   weighted `tsvector` under a GIN index, PostgreSQL's counterpart of `knowledge_fts`; only
 *   store/knowledge/search-postgres.ts uses it.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { AGENT_ROLES, CALL_DIRECTIONS, CALL_OUTCOMES, KNOWLEDGE_STATUSES, ROUTE_MODES, TICKET_CATEGORIES, TICKET_DISPOSITIONS, TICKET_STATUSES, TICKET_URGENCIES } from './schema.js';

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`"${column}" in (${values.map((v) => `'${v}'`).join(', ')})`);

/** The same text as SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`: UTC, milliseconds, `Z`. */
const now = sql`(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/** SQLite's `integer primary key autoincrement`. */
const serialId = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const skills = pgTable('skills', {
  id: serialId(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

export const ivrMenus = pgTable('ivr_menus', {
  id: serialId(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  definition: text('definition').notNull(),
  updatedAt: text('updated_at').notNull().default(now),
});

export const routes = pgTable(
  'routes',
  {
    id: serialId(),
    number: text('number').notNull().unique(),
    name: text('name').notNull(),
    mode: text('mode', { enum: ROUTE_MODES }).notNull(),
    prompt: text('prompt'),
    skillId: integer('skill_id').references(() => skills.id, { onDelete: 'restrict' }),
    menuId: integer('menu_id').references(() => ivrMenus.id, { onDelete: 'restrict' }),
    subcentreDial: text('subcentre_dial'),
    transferMode: text('transfer_mode', { enum: ['blind', 'three-way'] }),
    priority: integer('priority').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  () => [check('routes_mode_check', inList('mode', ROUTE_MODES))],
);

export const agents = pgTable(
  'agents',
  {
    id: serialId(),
    login: text('login').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    endpoint: text('endpoint').unique(),
    role: text('role', { enum: AGENT_ROLES }).notNull().default('agent'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: text('created_at').notNull().default(now),
    department: text('department'),
  },
  () => [check('agents_role_check', inList('role', AGENT_ROLES))],
);

export const agentSkills = pgTable(
  'agent_skills',
  {
    agentId: integer('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    skillId: integer('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'restrict' }),
    level: integer('level').notNull().default(5),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.skillId] }), check('agent_skills_level_check', sql`"level" between 1 and 10`)],
);

export const expertSeats = pgTable(
  'expert_seats',
  {
    id: serialId(),
    name: text('name').notNull(),
    department: text('department').notNull(),
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'restrict' }),
    externalNumber: text('external_number'),
    skillId: integer('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'restrict' }),
    onDuty: text('on_duty').notNull().default(sql`'[]'`),
    enabled: boolean('enabled').notNull().default(true),
  },
  () => [check('expert_seats_target_check', sql`("agent_id" is not null) <> ("external_number" is not null)`)],
);

export const departmentContacts = pgTable('department_contacts', {
  id: serialId(),
  unit: text('unit').notNull(),
  person: text('person').notNull(),
  phone: text('phone').notNull(),
  note: text('note'),
});

export const calls = pgTable(
  'calls',
  {
    id: serialId(),
    linkedId: text('linked_id').notNull().unique(),
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
    skill: text('skill'),
    state: text('state').notNull().default('arriving'),
    queuedAt: text('queued_at'),
    /** When the caller's last wait in line began (see schema.ts). */
    waitingSince: text('waiting_since'),
    waitMs: integer('wait_ms'),
    ivrSteps: text('ivr_steps'),
    recording: text('recording'),
    recordingDeletedAt: text('recording_deleted_at'),
    hangupCause: integer('hangup_cause'),
    duringOutage: boolean('during_outage').notNull().default(false),
    direction: text('direction', { enum: CALL_DIRECTIONS }).notNull().default('inbound'),
  },
  (t) => [
    index('calls_arrived_idx').on(t.arrivedAt),
    // A caller's calls by arrival: a frequent caller's calls of the last hour are found in the index's
    // range for that hour, not by reading each of their earlier calls (see schema.ts).
    index('calls_caller_direction_arrived_idx').on(t.callerNumber, t.direction, t.arrivedAt),
    /** The calls not ended yet, in order of arrival (see schema.ts). */
    index('calls_open_idx').on(t.arrivedAt, t.id).where(sql`"ended_at" is null`),
  ],
);

/** Every recording of a call (see schema.ts). */
export const callRecordings = pgTable(
  'call_recordings',
  {
    id: serialId(),
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    name: text('name').notNull().unique(),
    startedAt: text('started_at').notNull(),
    deletedAt: text('deleted_at'),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'set null' }),
  },
  (t) => [index('call_recordings_call_idx').on(t.callId), index('call_recordings_ticket_idx').on(t.ticketId)],
);

export const ticketMatters = pgTable(
  'ticket_matters',
  {
    id: serialId(),
    parentId: integer('parent_id').references((): AnyPgColumn => ticketMatters.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [index('ticket_matters_parent_idx').on(t.parentId)],
);

export const handlingUnits = pgTable('handling_units', {
  id: serialId(),
  name: text('name').notNull().unique(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: text('created_at').notNull().default(now),
});

export const tickets = pgTable(
  'tickets',
  {
    id: serialId(),
    number: text('number').notNull().unique(),
    callKey: text('call_key').unique(),
    callId: integer('call_id').references(() => calls.id, { onDelete: 'set null' }),
    callerNumber: text('caller_number').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    routeId: integer('route_id').references(() => routes.id, { onDelete: 'set null' }),
    hotline: text('hotline').notNull(),
    category: text('category', { enum: TICKET_CATEGORIES }),
    urgency: text('urgency', { enum: TICKET_URGENCIES }),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('accepted'),
    content: text('content').notNull().default(''),
    address: text('address'),
    disposition: text('disposition', { enum: TICKET_DISPOSITIONS }),
    agentId: integer('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    recording: text('recording'),
    dispatchDueAt: text('dispatch_due_at'),
    dueAt: text('due_at'),
    dispatchedAt: text('dispatched_at'),
    extensions: integer('extensions').notNull().default(0),
    satisfaction: text('satisfaction', { enum: ['satisfied', 'basically-satisfied', 'dissatisfied', 'no-answer'] }),
    supervisedAt: text('supervised_at'),
    deadlineWatchLevel: text('deadline_watch_level', { enum: ['due-soon', 'overdue'] }),
    deadlineWatchDueAt: text('deadline_watch_due_at'),
    deadlineFrom: text('deadline_from'),
    callerName: text('caller_name'),
    contactPhone: text('contact_phone'),
    confidential: boolean('confidential').notNull().default(false),
    matterId: integer('matter_id').references(() => ticketMatters.id, { onDelete: 'restrict' }),
    matterPath: text('matter_path'),
    districtCode: text('district_code'),
    districtName: text('district_name'),
    streetCode: text('street_code'),
    streetName: text('street_name'),
    handlingUnitId: integer('handling_unit_id').references(() => handlingUnits.id, { onDelete: 'restrict' }),
    dueOverride: text('due_override'),
    dueReason: text('due_reason'),
    knowledgeLinks: text('knowledge_links'),
    registeredAt: text('registered_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    /** A caller's tickets newest first (the screen-pop's history) read from the index, without sorting all of a frequent caller's tickets. */
    index('tickets_caller_created_idx').on(t.callerNumber, t.createdAt, t.id),
    index('tickets_agent_created_idx').on(t.agentId, t.createdAt),
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_status_idx').on(t.status),
    check('tickets_status_check', inList('status', TICKET_STATUSES)),
    // SQLite: `number not glob '*[^0-9]*'` (digits only; the empty string passes on both).
    check('tickets_number_digits', sql`"number" !~ '[^0-9]'`),
  ],
);

export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: serialId(),
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

export const blacklist = pgTable(
  'blacklist',
  {
    id: serialId(),
    number: text('number').notNull(),
    reason: text('reason').notNull(),
    expiresAt: text('expires_at'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('blacklist_number_idx').on(t.number)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull().default(now),
});

export const customPrompts = pgTable('prompts', {
  id: text('id').primaryKey(),
  text: text('text').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull().default(now),
  generatedAt: text('generated_at'),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: serialId(),
    at: text('at').notNull().default(now),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: text('before'),
    after: text('after'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId)],
);

export const missedCalls = pgTable(
  'missed_calls',
  {
    id: serialId(),
    callId: integer('call_id')
      .notNull()
      .unique()
      .references(() => calls.id, { onDelete: 'cascade' }),
    callerNumber: text('caller_number').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    waitMs: integer('wait_ms').notNull(),
    at: text('at').notNull(),
    status: text('status', { enum: ['pending', 'done', 'unreachable', 'got-through'] }).notNull().default('pending'),
    handledBy: integer('handled_by').references(() => agents.id, { onDelete: 'set null' }),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: text('last_attempt_at'),
    abandonedTimes: integer('abandoned_times').notNull().default(1),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('missed_calls_status_at_idx').on(t.status, t.at, t.id),
    uniqueIndex('missed_calls_pending_number_idx').on(t.callerNumber).where(sql`"status" = 'pending'`),
  ],
);

export const calendarDays = pgTable(
  'calendar_days',
  {
    date: text('date').primaryKey(),
    kind: text('kind', { enum: ['workday', 'holiday'] }).notNull(),
    name: text('name').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  // SQLite: `date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'` (the whole value, as here).
  () => [check('calendar_days_date_check', sql`"date" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`)],
);

export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: serialId(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    at: text('at').notNull(),
    outcome: text('outcome').notNull().default('in-progress'),
    result: text('result'),
  },
  (t) => [index('callback_attempts_ticket_idx').on(t.ticketId)],
);

export const kpiDaily = pgTable(
  'kpi_daily',
  {
    date: text('date').notNull(),
    grouping: text('grouping').notNull(),
    key: text('key').notNull(),
    figures: text('figures').notNull(),
    computedAt: text('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.date, t.grouping, t.key] })],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** No foreign key, as in schema.ts: a deleted account's sessions stay as revoked rows. */
    agentId: integer('agent_id').notNull(),
    login: text('login').notNull(),
    role: text('role', { enum: AGENT_ROLES }).notNull(),
    address: text('address'),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    revokedAt: text('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_agent_idx').on(t.agentId)],
);

export const loginFailures = pgTable('login_failures', {
  login: text('login').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: text('last_failure_at').notNull(),
  lockedUntil: text('locked_until'),
});

export const ticketSequences = pgTable('ticket_sequences', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

export const knowledgeEntries = pgTable(
  'knowledge_entries',
  {
    id: serialId(),
    title: text('title').notNull(),
    answer: text('answer').notNull(),
    department: text('department').notNull(),
    categories: text('categories').notNull(),
    hotline: text('hotline'),
    keywords: text('keywords').notNull().default(''),
    validFrom: text('valid_from'),
    validUntil: text('valid_until'),
    status: text('status', { enum: KNOWLEDGE_STATUSES }).notNull().default('draft'),
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

export const knowledgeVersions = pgTable(
  'knowledge_versions',
  {
    id: serialId(),
    entryId: integer('entry_id')
      .notNull()
      .references(() => knowledgeEntries.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    answer: text('answer').notNull(),
    department: text('department').notNull(),
    categories: text('categories').notNull(),
    hotline: text('hotline'),
    keywords: text('keywords').notNull(),
    validFrom: text('valid_from'),
    validUntil: text('valid_until'),
    writtenBy: text('written_by').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: text('published_at').notNull(),
  },
  (t) => [uniqueIndex('knowledge_versions_entry_version_idx').on(t.entryId, t.version)],
);

export const knowledgeLinks = pgTable(
  'knowledge_links',
  {
    id: serialId(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    entryId: integer('entry_id')
      .notNull()
      .references(() => knowledgeEntries.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    linkedBy: text('linked_by').notNull(),
    linkedAt: text('linked_at').notNull(),
  },
  (t) => [uniqueIndex('knowledge_links_ticket_entry_idx').on(t.ticketId, t.entryId), index('knowledge_links_entry_idx').on(t.entryId)],
);

export const callOffers = pgTable(
  'call_offers',
  {
    id: serialId(),
    callKey: text('call_key').notNull(),
    agentId: integer('agent_id').notNull(),
    offeredAt: text('offered_at').notNull(),
    waitedMs: integer('waited_ms').notNull(),
    endedAt: text('ended_at'),
    outcome: text('outcome'),
    outbound: boolean('outbound').notNull().default(false),
  },
  (t) => [index('call_offers_offered_idx').on(t.offeredAt), index('call_offers_call_idx').on(t.callKey)],
);

export const agentStateChanges = pgTable(
  'agent_state_changes',
  {
    id: serialId(),
    agentId: integer('agent_id').notNull(),
    at: text('at').notNull(),
    state: text('state').notNull(),
    reason: text('reason'),
  },
  (t) => [index('agent_state_changes_at_idx').on(t.at), index('agent_state_changes_agent_idx').on(t.agentId, t.at)],
);
