/**
 * 提示音目录 over HTTP: the built-in prompts and those admins add (a new merged hotline's notice or
 * greeting), and the sound made from a prompt's text with the same Mandarin generator as the day-one
 * set (`cti/media/prompt-speech.ts`), written where Asterisk reads its sounds (setting `promptsDir`,
 * `CTI_PROMPTS_DIR`). Every change audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { missingSpeechTools, speakPrompt } from '../../cti/media/prompt-speech.js';
import { addCustomPrompt, deleteCustomPrompt, listCustomPrompts, markPromptGenerated, updateCustomPrompt } from '../../store/index.js';
import { ADMIN, STAFF, sessionOf } from '../auth/session-guard.js';
import { conflict, errorReplies, notFound } from '../http/error-replies.js';
import { MultilineText } from '../http/free-text.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { isCatalogued, promptCatalogue, promptUsers, usersOfPrompt } from './prompt-catalogue.js';
import { PromptId } from './schemas.js';

const Prompt = Type.Object({
  id: Type.String(),
  text: Type.String(),
  builtIn: Type.Boolean({ description: '内置提示音（ivr/prompts.ts），不能在此修改或删除' }),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  generatedAt: Type.Union([Type.String(), Type.Null()], { description: '服务器最近一次由文字生成声音文件的时间' }),
  usedBy: Type.Array(Type.String(), { description: '使用它的热线与菜单' }),
});
const PromptBody = Type.Object(
  { id: PromptId, text: MultilineText({ minLength: 1, maxLength: 300, description: '提示音内容（普通话朗读的文字）' }) },
  { additionalProperties: false },
);
const PromptPatch = Type.Object({ text: MultilineText({ minLength: 1, maxLength: 300, description: '提示音内容' }) }, { additionalProperties: false });
const PromptParams = Type.Object({ id: PromptId });
const Generated = Type.Object({ id: Type.String(), file: Type.String(), generatedAt: Type.String() });

const TAGS = ['提示音 prompts'];

export const promptsResource: FastifyPluginAsyncTypebox<ResourceDeps & { promptsDir?: string | undefined }> = (app, { db, promptsDir }) => {
  const view = async (id: string) => {
    const prompt = (await promptCatalogue(db)).find((p) => p.id === id);
    if (!prompt) throw notFound(`提示音不存在: ${id}`);
    return { ...prompt, usedBy: await usersOfPrompt(db, id) };
  };
  const custom = async (id: string) => {
    const row = (await listCustomPrompts(db)).find((p) => p.id === id);
    if (row) return row;
    if (await isCatalogued(db, id)) throw conflict(`内置提示音不能修改或删除: ${id}（更换录音请替换 Asterisk 上的同名声音文件）`);
    throw notFound(`提示音不存在: ${id}`);
  };

  app.get(
    '/prompts',
    { config: { roles: STAFF }, schema: { tags: TAGS, summary: '提示音目录（内置与新增）', response: { 200: Type.Array(Prompt), ...errorReplies(401, 403) } } },
    async () => {
      const users = await promptUsers(db);
      return (await promptCatalogue(db)).map((p) => ({ ...p, usedBy: users.get(p.id) ?? [] }));
    },
  );

  app.post(
    '/prompts',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增提示音（如新并入热线的提示）', body: PromptBody, response: { 201: Prompt, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      const { id, text } = request.body;
      if (await isCatalogued(db, id)) throw conflict(`提示音编号已存在: ${id}`);
      await audited(db, sessionOf(request).login, 'prompt', 'create', async (tx) => {
        const row = await addCustomPrompt(tx, { id, text, createdBy: sessionOf(request).login });
        return { id, after: { id: row.id, text: row.text }, result: row };
      });
      reply.code(201);
      return await view(id);
    },
  );

  app.patch(
    '/prompts/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '修改新增提示音的文字（须重新生成声音）', params: PromptParams, body: PromptPatch, response: { 200: Prompt, ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request) => {
      const before = await custom(request.params.id);
      await audited(db, sessionOf(request).login, 'prompt', 'update', async (tx) => {
        await updateCustomPrompt(tx, before.id, request.body.text);
        return { id: before.id, before: { text: before.text }, after: { text: request.body.text }, result: null };
      });
      return await view(before.id);
    },
  );

  app.delete(
    '/prompts/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除新增提示音（仍在使用的不能删除）', params: PromptParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const before = await custom(request.params.id);
      const users = await usersOfPrompt(db, before.id);
      if (users.length) throw conflict(`提示音 ${before.id} 仍在使用：${users.join('、')}`);
      await audited(db, sessionOf(request).login, 'prompt', 'delete', async (tx) => {
        await deleteCustomPrompt(tx, before.id);
        return { id: before.id, before: { text: before.text }, result: null };
      });
      reply.code(204);
      return null;
    },
  );

  app.post(
    '/prompts/:id/generate',
    {
      config: { roles: ADMIN },
      schema: { tags: TAGS, summary: '用普通话合成生成声音文件（espeak-ng，写入提示音目录）', params: PromptParams, response: { 200: Generated, ...errorReplies(400, 401, 403, 404, 409) } },
    },
    async (request) => {
      const prompt = await custom(request.params.id);
      if (!promptsDir) throw conflict('服务器未设置提示音目录（CTI_PROMPTS_DIR，即 Asterisk 的 sounds/zh 目录）：请设置后重试，或在 Asterisk 主机上运行 npm run prompts');
      const missing = await missingSpeechTools();
      if (missing.length) throw conflict(`服务器未安装 ${missing.join('、')}，无法合成语音（Debian: apt-get install espeak-ng sox）`);
      const file = await speakPrompt({ id: prompt.id, text: prompt.text }, promptsDir);
      await audited(db, sessionOf(request).login, 'prompt', 'generate', async (tx) => {
        await markPromptGenerated(tx, prompt.id);
        return { id: prompt.id, after: { file }, result: null };
      });
      const generatedAt = (await listCustomPrompts(db)).find((p) => p.id === prompt.id)?.generatedAt ?? '';
      return { id: prompt.id, file, generatedAt };
    },
  );

  return Promise.resolve();
};
