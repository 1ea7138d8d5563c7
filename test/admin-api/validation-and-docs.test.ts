/**
 * Bad requests are answered 400 in one shape, `{error, details: [{field, message}]}`, naming the field
 * and the reason; the OpenAPI document describes every /api/v1 route and `/docs` serves the UI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { queueMenu } from '../support/menus.js';
import { api, client, login, type ErrorBody } from './admin-client.js';

const h = useHarness();
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});

/** The fields a 400 names, after checking the answer's shape. */
function fieldsOf(answer: { status: number; body: ErrorBody }): string[] {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(typeof answer.body.error).toBe('string');
  expect(Array.isArray(answer.body.details)).toBe(true);
  for (const d of answer.body.details ?? []) {
    expect(d.field).toMatch(/^\//);
    expect(d.message.length).toBeGreaterThan(0);
  }
  return (answer.body.details ?? []).map((d) => d.field);
}

const goodRoute = { number: '12399', name: '测试热线', mode: 'whole', prompt: 'notice-merged-12333' };

describe('validation errors name the field', () => {
  it('a bad merge mode', async () => {
    const answer = await admin<ErrorBody>('POST', '/api/v1/routes', { ...goodRoute, mode: 'merged' });
    expect(fieldsOf(answer)).toEqual(['/mode']);
    expect(answer.body).toMatchObject({ error: '请求参数不正确', details: [{ field: '/mode', in: 'body' }] });
    expect(answer.body.details?.[0]?.message).toContain('parallel');
  });

  it('a bad number, and a missing name', async () => {
    const { name: _omitted, ...noName } = goodRoute;
    const answer = await admin<ErrorBody>('POST', '/api/v1/routes', { ...noName, number: '12-345' });
    expect(fieldsOf(answer).sort()).toEqual(['/name', '/number']);
    expect(answer.body.details?.find((d) => d.field === '/name')?.message).toBe('必填');
  });

  it('an unknown field is refused, not silently dropped', async () => {
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/skills', { code: 'x-1', name: 'x', colour: 'red' }))).toEqual(['/colour']);
  });

  it('a nullable field with a bad value names the field, not the union', async () => {
    const answer = await admin<ErrorBody>('POST', '/api/v1/routes', { ...goodRoute, prompt: 'Bad Prompt!' });
    expect(fieldsOf(answer)).toEqual(['/prompt']);
    expect(answer.body.details?.[0]?.message).toContain('格式不正确');
  });

  it('a nullable choice with a value it does not allow names the allowed values, not "应为null"', async () => {
    const answer = await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12399', name: '测试分中心', mode: 'subcentre', subcentreDial: 'PJSIP/12399@trunk', transferMode: 'conference' });
    expect(fieldsOf(answer)).toEqual(['/transferMode']);
    expect(answer.body.details?.[0]?.message).toBe('取值应为 blind、three-way 之一');
  });

  it('an IVR action of an unknown type names the types allowed; of a known type, what that type lacks', async () => {
    const unknown = await admin<ErrorBody>('POST', '/api/v1/menus', queueMenu('m-u', { options: { '1': { type: 'hangup' } } }));
    expect(fieldsOf(unknown)).toEqual(['/options/1/type']);
    expect(unknown.body.details?.[0]?.message).toBe('取值应为 queue、menu、transfer、progress-query、play 之一');
    const play = await admin<ErrorBody>('POST', '/api/v1/menus', queueMenu('m-u', { options: { '1': { type: 'play' } } }));
    expect(fieldsOf(play)).toEqual(['/options/1/prompts']);
    expect(play.body.details?.[0]?.message).toBe('必填');
  });

  it('nested fields: a skill level out of range, a duty window time', async () => {
    const agent = await admin<ErrorBody>('POST', '/api/v1/agents', { login: '2999', name: '测试', skills: [{ skillId: 1, level: 11 }] });
    expect(fieldsOf(agent)).toEqual(['/skills/0/level']);
    const seat = await admin<ErrorBody>('POST', '/api/v1/expert-seats', {
      name: '专家',
      department: '某局',
      externalNumber: '02300000000',
      skillId: 1,
      onDuty: [{ days: [1], from: '25:00', to: '17:00' }],
    });
    expect(fieldsOf(seat)).toEqual(['/onDuty/0/from']);
  });

  it('path parameters and query strings are checked too', async () => {
    const param = await admin<ErrorBody>('GET', '/api/v1/routes/abc');
    expect(fieldsOf(param)).toEqual(['/id']);
    expect(param.body.details?.[0]?.in).toBe('params');
    const query = await admin<ErrorBody>('GET', '/api/v1/audit?limit=0');
    expect(fieldsOf(query)).toEqual(['/limit']);
    expect(query.body.details?.[0]?.in).toBe('querystring');
  });

  it('rules across fields: what each merge mode needs, and references that must exist', async () => {
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12398', name: 'x', mode: 'parallel' }))).toEqual(['/skillId']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12398', name: 'x', mode: 'subcentre' }))).toEqual(['/subcentreDial']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12398', name: 'x', mode: 'whole' }))).toEqual(['/prompt']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/routes', { ...goodRoute, skillId: 999 }))).toEqual(['/skillId']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/routes', { ...goodRoute, subcentreDial: 'PJSIP/1@trunk' }))).toEqual(['/subcentreDial']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/expert-seats', { name: 'x', department: 'y', skillId: 1 }))).toEqual(['/agentId']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/expert-seats', { name: 'x', department: 'y', skillId: 1, agentId: 1, externalNumber: '0231' }))).toEqual(['/externalNumber']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/agents', { login: '2998', name: 'x', skills: [{ skillId: 1, level: 3 }, { skillId: 1, level: 4 }] }))).toEqual(['/skills/1/skillId']);
    expect(fieldsOf(await admin<ErrorBody>('POST', '/api/v1/blacklist', { number: '13900000000', reason: 'x', expiresAt: '2001-01-01T00:00:00Z' }))).toEqual(['/expiresAt']);
    expect(fieldsOf(await admin<ErrorBody>('PUT', '/api/v1/repeat-call-policy', { maxCalls: 3, windowMinutes: 60, action: 'block' }))).toEqual(['/action']);
  });

  it('IVR menus: the shape first (every key maps to an action), then the set as a whole, with the menu and the path', async () => {
    const missingSkill = await admin<ErrorBody>('POST', '/api/v1/menus', queueMenu('m-a', { options: { '1': { type: 'queue' } } }));
    expect(fieldsOf(missingSkill)).toEqual(['/options/1/skill']);
    const badKey = await admin<ErrorBody>('POST', '/api/v1/menus', queueMenu('m-a', { options: { '1': { type: 'progress-query' }, x: { type: 'progress-query' } } }));
    expect(badKey.status).toBe(400);
    // The menu schema refuses any option key that is not a phone key, naming it.
    expect(badKey.body.details).toEqual([expect.objectContaining({ field: '/options/x', message: '不允许的字段' })]);

    const set = await admin<ErrorBody>('POST', '/api/v1/menus', queueMenu('m-b', {
      options: { '1': { type: 'menu', menu: 'nowhere' }, '2': { type: 'queue', skill: 'no-such-skill' } },
      onFailure: { type: 'play', prompts: ['goodbye'] },
    }));
    expect(set.status).toBe(400);
    expect(set.body.error).toBe('IVR 菜单校验未通过');
    expect(set.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ menu: 'm-b', field: '/options/1', message: expect.stringContaining('子菜单不存在') as string }),
        expect.objectContaining({ menu: 'm-b', field: '/onFailure' }),
        expect.objectContaining({ menu: 'm-b', field: '/options/2/skill', message: '技能不存在: no-such-skill' }),
      ]),
    );
    expect((await admin('GET', '/api/v1/menus')).body).not.toEqual(expect.arrayContaining([expect.objectContaining({ code: 'm-b' })]));
  });

  it('a body that is not JSON', async () => {
    const answer = await api<ErrorBody>(h.server.httpUrl, 'POST', '/api/v1/skills', { token: (await login(h.server.httpUrl, 'admin')), rawBody: '{"code": ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('请求体不是有效的 JSON');
  });
});

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, { enum?: string[] }> } }> } }>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('API documentation', () => {
  it('the OpenAPI document lists every /api/v1 route, with its roles and request schema', async () => {
    const doc = await api<OpenApiDoc>(h.server.httpUrl, 'GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes).toHaveProperty('bearerAuth');
    const catalogue = await admin<{ method: string; url: string; roles: string[] | null }[]>('GET', '/api/v1/meta/endpoints');
    expect(catalogue.body.length).toBeGreaterThan(30);
    for (const route of catalogue.body) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.body.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url} in the OpenAPI document`).toBeDefined();
      if (route.roles) {
        expect(operation?.['x-roles']).toEqual(route.roles);
        expect(operation?.security).toEqual([{ bearerAuth: [] }]);
      }
    }
    const createRoute = doc.body.paths['/api/v1/routes']?.post?.requestBody?.content['application/json']?.schema;
    expect(createRoute?.properties?.mode?.enum).toEqual(['main', 'whole', 'parallel', 'subcentre']);
  });

  it('/docs serves the browsable UI and its assets', async () => {
    const page = await api<string>(h.server.httpUrl, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    expect(page.body).toContain('Swagger UI');
    const asset = await api<string>(h.server.httpUrl, 'GET', '/docs/static/swagger-ui.css');
    expect(asset.status).toBe(200);
    expect(asset.contentType).toContain('text/css');
  });
});
