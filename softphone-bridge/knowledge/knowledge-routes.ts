/**
 * `/api/v1/knowledge/…`: the knowledge base (知识库) over HTTP. Agents search it and get suggestions
 * for the call on their desk, and link the entry they answered with to the call's ticket; editors
 * (their own department) and admins write entries and import a spreadsheet; supervisors and admins
 * review, publish and withdraw. The rules are in routing/knowledge/entry-lifecycle.ts; every change
 * is audited (entity `knowledge-entry`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import {
  atomically,
  createKnowledgeEntry,
  findAgent,
  findKnowledgeEntry,
  findKnowledgeVersion,
  findTicketByNumber,
  indexMissingKnowledge,
  linkKnowledgeToTicket,
  listKnowledgeEntries,
  listKnowledgeLinksOfTicket,
  listKnowledgeVersions,
  markExpiredKnowledge,
  clockOf,
  publishKnowledgeEntry,
  searchKnowledge,
  setKnowledgeStatus,
  shanghaiDay,
  suggestKnowledge,
  updateKnowledgeEntry,
  withdrawKnowledgeEntry,
  type AgentRole,
  type Db,
  type KnowledgeEntryRow,
  type KnowledgeFields,
} from '../../store/index.js';
import {
  decideKnowledgeAction,
  editRefusal,
  effectiveStatus,
  KNOWLEDGE_STATUS_NAMES,
  mayReview,
  validityRefusal,
  writeRefusal,
  type KnowledgeActor,
} from '../../routing/knowledge/entry-lifecycle.js';
import { audited } from '../admin-api/audit-trail.js';
import { ANY_ACCOUNT, assertRolesDeclared, EVERYONE, KNOWLEDGE_STAFF, sessionGuard, sessionOf } from '../auth/session-guard.js';
import type { Sessions } from '../auth/sessions.js';
import type { SessionClaims } from '../auth/tokens.js';
import { ApiError, conflict, errorReplies, invalid, notFound, type ErrorDetail } from '../http/error-replies.js';
import { parseKnowledgeCsv } from './csv-import.js';
import {
  ActionBody,
  Entry,
  EntryBody,
  Hits,
  IdParams,
  ImportBody,
  ImportReply,
  Link,
  LinkBody,
  LinkReply,
  ListQuery,
  SearchQuery,
  SuggestQuery,
  TicketParams,
  Version,
  VersionParams,
} from './schemas.js';
import Type from 'typebox';

/** Who writes entries: admins, and department knowledge editors (their department only, checked per entry). */
const WRITERS: readonly AgentRole[] = ['admin', 'editor'];
const TAGS = ['知识库 knowledge'];
const ENTITY = 'knowledge-entry';

const view = (entry: KnowledgeEntryRow, today: string): Static<typeof Entry> => {
  const status = effectiveStatus(entry, today);
  return { ...entry, status, statusName: KNOWLEDGE_STATUS_NAMES[status] };
};

const fieldsOf = (body: Static<typeof EntryBody>): KnowledgeFields => ({
  title: body.title.trim(),
  answer: body.answer.trim(),
  department: body.department.trim(),
  categories: body.categories.map((c) => c.trim()),
  hotline: body.hotline,
  keywords: body.keywords.trim().split(/[\s,，、;；]+/).filter(Boolean).join(' '),
  validFrom: body.validFrom,
  validUntil: body.validUntil,
});

/** Spaces (full-width ones included, as `trim` knows them) and the zero-width characters nobody sees. */
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/gu;
const blank = (text: string) => text.replace(INVISIBLE, '') === '';

/**
 * The required texts that are blank: the schema's minLength counts the spaces a title of spaces (or an
 * IME's full-width ones) is made of, and the trim would store it empty. Each named, as a schema error is.
 */
function blankFields(fields: KnowledgeFields): ErrorDetail[] {
  const paths = [
    ...(['title', 'answer', 'department'] as const).filter((key) => blank(fields[key])).map((key) => `/${key}`),
    ...fields.categories.flatMap((category, i) => (blank(category) ? [`/categories/${i}`] : [])),
  ];
  return paths.map((field) => ({ field, in: 'body', message: '不能为空' }));
}

export const knowledgeRoutes: FastifyPluginAsyncTypebox<{ db: Db; sessions: Sessions }> = async (app, { db, sessions }) => {
  app.addHook('onRoute', assertRolesDeclared);
  app.addHook('onRequest', sessionGuard(sessions));

  const today = () => shanghaiDay(clockOf(db).now());
  const actorOf = async (claims: SessionClaims): Promise<KnowledgeActor> => ({ role: claims.role, department: (await findAgent(db, claims.agentId))?.department ?? null });
  const requireEntry = async (id: number): Promise<KnowledgeEntryRow> => {
    const entry = await findKnowledgeEntry(db, id);
    if (!entry) throw notFound(`知识条目不存在: ${id}`);
    return entry;
  };
  const checkRequired = (fields: KnowledgeFields) => {
    const problems = blankFields(fields);
    if (problems.length > 0) throw invalid(problems);
  };
  const checkValidity = (fields: KnowledgeFields) => {
    const refusal = validityRefusal(fields.validFrom, fields.validUntil);
    if (refusal) throw invalid([{ field: '/validUntil', in: 'body', message: refusal }]);
  };

  app.get(
    '/api/v1/knowledge/profile',
    {
      config: { roles: KNOWLEDGE_STAFF },
      schema: {
        tags: TAGS,
        summary: '当前账号在知识库中能做什么（所属部门、能否编写、能否审核）',
        response: {
          200: Type.Object({ login: Type.String(), role: Type.String(), department: Type.Union([Type.String(), Type.Null()]), mayWrite: Type.Boolean(), mayReview: Type.Boolean() }),
          ...errorReplies(401, 403),
        },
      },
    },
    async (request) => {
      const claims = sessionOf(request);
      const actor = await actorOf(claims);
      return { login: claims.login, role: claims.role, department: actor.department, mayWrite: WRITERS.includes(claims.role), mayReview: mayReview(actor) };
    },
  );

  app.get(
    '/api/v1/knowledge/search',
    {
      config: { roles: ANY_ACCOUNT },
      schema: { tags: TAGS, summary: '检索知识库（分词、同义词，仅有效期内已发布条目）', querystring: SearchQuery, response: { 200: Hits, ...errorReplies(400, 401, 403) } },
    },
    async (request) => ({ items: await searchKnowledge(db, { text: request.query.q, today: today(), hotline: request.query.hotline ?? null, limit: request.query.limit ?? 10 }) }),
  );

  app.get(
    '/api/v1/knowledge/suggestions',
    {
      config: { roles: ANY_ACCOUNT },
      schema: {
        tags: TAGS,
        summary: '按来电情况推荐知识（热线、语音导航选择、近期工单分类、正在填写的诉求内容）',
        querystring: SuggestQuery,
        response: { 200: Hits, ...errorReplies(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      return { items: await suggestKnowledge(db, { today: today(), hotline: q.hotline ?? null, texts: [q.text ?? '', q.ivr ?? '', q.history ?? ''], limit: q.limit ?? 5 }) };
    },
  );

  app.get(
    '/api/v1/knowledge/entries',
    {
      config: { roles: KNOWLEDGE_STAFF },
      schema: { tags: TAGS, summary: '知识条目列表（编辑、审核用）', querystring: ListQuery, response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Entry) }), ...errorReplies(400, 401, 403) } },
    },
    async (request) => {
      const day = today();
      await markExpiredKnowledge(db, day);
      const q = request.query;
      const { total, items } = await listKnowledgeEntries(db, { status: q.status, department: q.department, text: q.q, limit: q.limit ?? 50, offset: q.offset ?? 0 });
      return { total, items: items.map((e) => view(e, day)) };
    },
  );

  app.get(
    '/api/v1/knowledge/entries/:id',
    {
      config: { roles: KNOWLEDGE_STAFF },
      schema: { tags: TAGS, summary: '查看知识条目及其历史版本', params: IdParams, response: { 200: Type.Object({ entry: Entry, versions: Type.Array(Version) }), ...errorReplies(400, 401, 403, 404) } },
    },
    async (request) => ({ entry: view(await requireEntry(request.params.id), today()), versions: await listKnowledgeVersions(db, request.params.id) }),
  );

  app.get(
    '/api/v1/knowledge/entries/:id/versions/:version',
    {
      config: { roles: ANY_ACCOUNT },
      schema: { tags: TAGS, summary: '查看某一已发布版本', params: VersionParams, response: { 200: Version, ...errorReplies(400, 401, 403, 404) } },
    },
    async (request) => {
      const version = await findKnowledgeVersion(db, request.params.id, request.params.version);
      if (!version) throw notFound(`知识条目 ${request.params.id} 没有第 ${request.params.version} 版`);
      return version;
    },
  );

  app.post(
    '/api/v1/knowledge/entries',
    {
      config: { roles: WRITERS },
      schema: { tags: TAGS, summary: '新建知识条目（草稿，或直接提交审核）', body: EntryBody, response: { 201: Entry, ...errorReplies(400, 401, 403) } },
    },
    async (request, reply) => {
      const claims = sessionOf(request);
      const fields = fieldsOf(request.body);
      checkRequired(fields);
      const refusal = writeRefusal(await actorOf(claims), fields.department);
      if (refusal) throw new ApiError(403, refusal);
      checkValidity(fields);
      const entry = await audited(db, claims.login, ENTITY, 'create', async (tx) => {
        const created = await createKnowledgeEntry(tx, fields, claims.login, request.body.submit ? 'review' : 'draft');
        return { id: created.id, after: created, result: created };
      });
      return reply.code(201).send(view(entry, today()));
    },
  );

  app.put(
    '/api/v1/knowledge/entries/:id',
    {
      config: { roles: WRITERS },
      schema: {
        tags: TAGS,
        summary: '修改知识条目（成为新的草稿；已发布的版本在新版本发布前仍对话务员有效）',
        params: IdParams,
        body: EntryBody,
        response: { 200: Entry, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const claims = sessionOf(request);
      const before = await requireEntry(request.params.id);
      const fields = fieldsOf(request.body);
      checkRequired(fields);
      const actor = await actorOf(claims);
      const refusal = editRefusal(actor, before, fields.department);
      if (refusal) throw before.status === 'review' && writeRefusal(actor, before.department) === null ? conflict(refusal) : new ApiError(403, refusal);
      checkValidity(fields);
      const entry = await audited(db, claims.login, ENTITY, 'update', async (tx) => {
        const updated = await updateKnowledgeEntry(tx, before.id, fields, claims.login);
        const result = request.body.submit && updated ? ((await setKnowledgeStatus(tx, before.id, 'review', claims.login)) ?? updated) : updated;
        return { id: before.id, before, after: result, result };
      });
      if (!entry) throw notFound(`知识条目不存在: ${before.id}`);
      return view(entry, today());
    },
  );

  app.post(
    '/api/v1/knowledge/entries/:id/actions',
    {
      config: { roles: KNOWLEDGE_STAFF },
      schema: {
        tags: TAGS,
        summary: '审核流转：提交审核、审核发布（生成新版本）、退回修改、下架',
        params: IdParams,
        body: ActionBody,
        response: { 200: Entry, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const claims = sessionOf(request);
      const { action, note } = request.body;
      const before = await requireEntry(request.params.id);
      const day = today();
      const actor = await actorOf(claims);
      const decision = decideKnowledgeAction(action, before, actor, day);
      // Not this person's step: 403; not the entry's step now: 409.
      const roleRefused = action === 'submit' ? writeRefusal(actor, before.department) !== null : !mayReview(actor);
      if (!decision.ok) throw roleRefused ? new ApiError(403, decision.reason) : conflict(decision.reason);
      if ((action === 'reject' || action === 'withdraw') && !note?.trim()) throw invalid([{ field: '/note', in: 'body', message: '退回或下架须填写审核意见' }]);
      const entry = await audited(db, claims.login, ENTITY, action, async (tx) => {
        let after: KnowledgeEntryRow | undefined;
        if (action === 'approve') {
          await publishKnowledgeEntry(tx, before, claims.login);
          after = await findKnowledgeEntry(tx, before.id);
        } else if (action === 'withdraw') after = await withdrawKnowledgeEntry(tx, before.id, claims.login, note?.trim() ?? null, decision.to);
        else after = await setKnowledgeStatus(tx, before.id, decision.to, claims.login, note?.trim() || null);
        return { id: before.id, before, after, result: after };
      });
      if (!entry) throw notFound(`知识条目不存在: ${before.id}`);
      return view(entry, day);
    },
  );

  app.post(
    '/api/v1/knowledge/import',
    {
      bodyLimit: 5 * 1024 * 1024,
      config: { roles: WRITERS },
      schema: {
        tags: TAGS,
        summary: '从 CSV 文件导入知识条目（表头：标题,答复内容,部门,分类,热线,关键词,生效日期,失效日期）；有问题的行不导入，逐行说明原因',
        body: ImportBody,
        response: { 200: ImportReply, ...errorReplies(400, 401, 403) },
      },
    },
    async (request) => {
      const claims = sessionOf(request);
      const actor = await actorOf(claims);
      const { rows, problems } = parseKnowledgeCsv(request.body.csv);
      const allowed = rows.filter(({ row, fields }) => {
        const refusal = writeRefusal(actor, fields.department);
        if (refusal) problems.push({ row, field: '部门', message: refusal });
        return refusal === null;
      });
      const ids = await atomically(db, async (tx) => {
        const created: number[] = [];
        for (const { fields } of allowed) {
          created.push(
            await audited(tx, claims.login, ENTITY, 'import', async (inner) => {
              const entry = await createKnowledgeEntry(inner, fields, claims.login, request.body.submit ? 'review' : 'draft');
              return { id: entry.id, after: entry, result: entry.id };
            }),
          );
        }
        return created;
      });
      request.log.info({ created: ids.length, problems: problems.length }, 'knowledge entries imported');
      return { created: ids.length, ids, errors: problems.sort((a, b) => a.row - b.row) };
    },
  );

  // Links to tickets: an agent only for the tickets of calls they took (like the ticket routes).
  const ticketFor = async (claims: SessionClaims, number: string) => {
    const ticket = await findTicketByNumber(db, number);
    if (!ticket || (claims.role === 'agent' && ticket.agentId !== claims.agentId)) throw notFound('工单不存在');
    return ticket;
  };

  app.post(
    '/api/v1/tickets/:number/knowledge',
    {
      config: { roles: EVERYONE },
      schema: {
        tags: TAGS,
        summary: '以知识条目答复：关联到工单（记入工单历史，计入知识库解答数）',
        params: TicketParams,
        body: LinkBody,
        response: { 200: LinkReply, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const claims = sessionOf(request);
      const ticket = await ticketFor(claims, request.params.number);
      const [hit] = await searchableEntry(db, request.body.entryId, today());
      if (!hit) throw notFound('知识条目不存在或不在有效期内');
      const created = await linkKnowledgeToTicket(db, { ticket, entryId: hit.entryId, version: hit.version, title: hit.title, actor: claims.login });
      const link = (await listKnowledgeLinksOfTicket(db, ticket.number)).find((l) => l.entryId === hit.entryId);
      if (!link) throw notFound('知识条目不存在');
      return { ...link, created };
    },
  );

  app.get(
    '/api/v1/tickets/:number/knowledge',
    {
      config: { roles: EVERYONE },
      schema: { tags: TAGS, summary: '工单关联的知识条目', params: TicketParams, response: { 200: Type.Array(Link), ...errorReplies(400, 401, 403, 404) } },
    },
    async (request) => listKnowledgeLinksOfTicket(db, (await ticketFor(sessionOf(request), request.params.number)).number),
  );

  // Before the server answers its first search: every published entry in the index, also those a
  // migration took out to be indexed again with a new segmentation (store/knowledge/reindex.ts).
  const indexed = await indexMissingKnowledge(db);
  if (indexed > 0) app.log.info({ indexed }, 'published knowledge entries indexed at start-up');
};

/** The entry's published version if agents may see it today (published, in force). */
async function searchableEntry(db: Db, entryId: number, today: string): Promise<{ entryId: number; version: number; title: string }[]> {
  const entry = await findKnowledgeEntry(db, entryId);
  if (!entry || entry.publishedVersion === null) return [];
  const version = await findKnowledgeVersion(db, entryId, entry.publishedVersion);
  if (!version) return [];
  if ((version.validFrom && version.validFrom > today) || (version.validUntil && version.validUntil < today)) return [];
  return [{ entryId, version: version.version, title: version.title }];
}
