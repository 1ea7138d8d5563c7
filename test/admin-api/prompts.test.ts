/**
 * 提示音目录 through the admin API: routes and menus may name only catalogued prompts; an admin adds
 * a new merged hotline's notice, the server speaks it into Asterisk's sounds folder with the Mandarin
 * generator, and a prompt still in use cannot be deleted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { client, login, type ErrorBody } from './admin-client.js';

const soundsDir = mkdtempSync(join(tmpdir(), 'cti-sounds-'));
afterAll(() => rmSync(soundsDir, { recursive: true, force: true }));
const h = useHarness({ promptsDir: soundsDir });

interface Prompt {
  id: string;
  text: string;
  builtIn: boolean;
  generatedAt: string | null;
  usedBy: string[];
}

const NEW_ROUTE = { number: '12369', name: '12369 环保举报热线', mode: 'whole', prompt: 'notice-merged-12369', skillId: null, menuId: null, priority: 5, enabled: true };

describe('prompt catalogue', () => {
  it('lists the built-in prompts with who uses them', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const list = await admin<Prompt[]>('GET', '/api/v1/prompts');
    expect(list.status).toBe(200);
    expect(list.body.find((p) => p.id === 'notice-merged-12333')).toMatchObject({ builtIn: true, usedBy: ['热线 12333'] });
    expect(list.body.find((p) => p.id === 'greeting-12345')?.text).toContain('12345');
    const agent = client(h.server.httpUrl, await login(h.server.httpUrl, '1001'));
    expect((await agent('GET', '/api/v1/prompts')).status).toBe(403);
  });

  it('refuses a route or menu naming a prompt not in the catalogue, until an admin adds it', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const refused = await admin<ErrorBody>('POST', '/api/v1/routes', NEW_ROUTE);
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: '/prompt', message: expect.stringContaining('提示音不在提示音目录中: notice-merged-12369') as unknown })]);

    const menu = await admin<ErrorBody>('POST', '/api/v1/menus', {
      code: 'eco',
      name: '环保菜单',
      prompts: ['menu-eco'],
      timeoutSeconds: 5,
      retries: 1,
      invalidPrompt: 'invalid-input',
      options: { '1': { type: 'play', prompts: ['eco-hours'] } },
      onFailure: { type: 'queue', skill: 'general' },
    });
    expect(menu.status).toBe(400);
    expect(menu.body.details?.map((d) => [d.field, d.menu])).toEqual([
      ['/prompts/0', 'eco'],
      ['/options/1/prompts/0', 'eco'],
    ]);

    const added = await admin<Prompt>('POST', '/api/v1/prompts', { id: 'notice-merged-12369', text: '原12369环保举报热线已并入12345政务服务便民热线，正在为您转接。' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ builtIn: false, generatedAt: null, usedBy: [] });
    expect((await admin<ErrorBody>('POST', '/api/v1/prompts', { id: 'notice-merged-12369', text: '重复' })).status).toBe(409);
    expect((await admin<ErrorBody>('POST', '/api/v1/prompts', { id: 'Bad Id', text: '文字' })).status).toBe(400);

    const route = await admin<{ id: number }>('POST', '/api/v1/routes', NEW_ROUTE);
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    const listed = await admin<Prompt[]>('GET', '/api/v1/prompts');
    expect(listed.body.find((p) => p.id === 'notice-merged-12369')?.usedBy).toEqual(['热线 12369']);

    // In use: it cannot be deleted; a built-in prompt cannot be changed here at all.
    const inUse = await admin<ErrorBody>('DELETE', '/api/v1/prompts/notice-merged-12369');
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toContain('热线 12369');
    expect((await admin<ErrorBody>('PATCH', '/api/v1/prompts/greeting-12345', { text: '改' })).status).toBe(409);
    expect((await admin('DELETE', `/api/v1/routes/${route.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', '/api/v1/prompts/notice-merged-12369')).status).toBe(204);
    expect((await listAudit(h.server.store.db)).filter((a) => a.entity === 'prompt').map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'delete']));
  });

  it('speaks a new notice into the sounds folder as the 8 kHz mono WAV Asterisk plays', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    expect((await admin('POST', '/api/v1/prompts', { id: 'notice-merged-12358', text: '原12358价格举报热线已并入12345热线。' })).status).toBe(201);
    const made = await admin<{ file: string; generatedAt: string }>('POST', '/api/v1/prompts/notice-merged-12358/generate');
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.file).toBe(join(soundsDir, 'notice-merged-12358.wav'));
    const wav = readFileSync(made.body.file);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(8000); // Hz
    expect(wav.readUInt16LE(34)).toBe(16); // bits
    expect(wav.length).toBeGreaterThan(8000); // more than a moment of speech
    expect((await admin<Prompt[]>('GET', '/api/v1/prompts')).body.find((p) => p.id === 'notice-merged-12358')?.generatedAt).toBe(made.body.generatedAt);
    // A built-in prompt's sound comes from `npm run prompts` or a recording, not from here.
    expect((await admin('POST', '/api/v1/prompts/greeting-12345/generate')).status).toBe(409);
  });
});
