/**
 * Input hygiene: text other people read (names, reasons, notes) refuses control characters and the
 * characters that reorder or hide text — 400 with a Chinese reason that never quotes a regular
 * expression, and nothing stored — while Chinese, full-width punctuation and emoji pass. The same rule
 * holds on the agent and supervisor sockets, and under Fastify's own (Ajv) validator.
 */
import fc from 'fast-check';
import Fastify from 'fastify';
import { Compile } from 'typebox/compile';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_CHARS_REASON, FreeText, MultilineText, hasForbiddenChars } from '../../softphone-bridge/http/free-text.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { useHarness } from '../support/harness.js';
import { queueMenu } from '../support/menus.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { client, login, type ErrorBody } from './admin-client.js';

const h = useHarness();
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});

const NUL = '\u0000';
const RLO = '\u202E';
const LRI = '\u2066';
const BAD = [
  ['NUL', NUL],
  ['U+202E right-to-left override', RLO],
  ['U+2066 left-to-right isolate', LRI],
] as const;

/** Names people really write: Chinese, full-width punctuation, emoji (with a ZWJ sequence and a flag). */
const GOOD_NAME = '市场监管（12315）：投诉·举报「专席」😀👨‍👩‍👧🇨🇳';

/** A 400 naming `field` with the Chinese reason; no regular expression in any message. */
function expectRefused(answer: { status: number; body: ErrorBody }, field: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.error).toBe('请求参数不正确');
  expect(answer.body.details).toContainEqual({ field, in: 'body', message: FORBIDDEN_CHARS_REASON });
  expect(JSON.stringify(answer.body)).not.toMatch(/\\\\u|\^\[|\]\*\$/);
}

interface Resource {
  what: string;
  path: string;
  /** The field that carries the text under test. */
  field: string;
  body: (text: string, n: number) => Record<string, unknown>;
}

const RESOURCES: Resource[] = [
  { what: 'a skill', path: '/api/v1/skills', field: 'name', body: (text, n) => ({ code: `hygiene-${n}`, name: text }) },
  { what: 'a hotline route', path: '/api/v1/routes', field: 'name', body: (text, n) => ({ number: `1239${n}`, name: text, mode: 'whole', prompt: 'notice-merged-12333' }) },
  { what: 'an agent', path: '/api/v1/agents', field: 'name', body: (text, n) => ({ login: `hyg${n}`, name: text }) },
  { what: 'an expert seat', path: '/api/v1/expert-seats', field: 'name', body: (text, n) => ({ name: text, department: '市场监管局', externalNumber: `0230000000${n}`, skillId: 1 }) },
  { what: "an expert seat's department", path: '/api/v1/expert-seats', field: 'department', body: (text, n) => ({ name: `专家${n}`, department: text, externalNumber: `0230000001${n}`, skillId: 1 }) },
  { what: 'a department contact', path: '/api/v1/department-contacts', field: 'unit', body: (text, n) => ({ unit: text, person: '王五', phone: `0231000000${n}` }) },
  { what: "a contact's person", path: '/api/v1/department-contacts', field: 'person', body: (text, n) => ({ unit: '住建委', person: text, phone: `0231000001${n}` }) },
  { what: "a contact's note", path: '/api/v1/department-contacts', field: 'note', body: (text, n) => ({ unit: '住建委', person: '赵六', phone: `0231000002${n}`, note: text }) },
  { what: 'a blacklist reason', path: '/api/v1/blacklist', field: 'reason', body: (text, n) => ({ number: `1390000000${n}`, reason: text }) },
  {
    what: 'an IVR menu',
    path: '/api/v1/menus',
    field: 'name',
    body: (text, n) => queueMenu(`hygiene-menu-${n}`, { name: text }),
  },
];

describe('text others read refuses control and direction characters', () => {
  for (const resource of RESOURCES) {
    it(`${resource.what}: NUL, U+202E and U+2066 are refused with 400 and nothing is stored`, async () => {
      const before = await admin<unknown[]>('GET', resource.path);
      expect(before.status).toBe(200);
      for (const [i, [, bad]] of BAD.entries()) {
        for (const text of [`张三${bad}`, `${bad}exe.txt`, `李${bad}四`]) {
          expectRefused(await admin<ErrorBody>('POST', resource.path, resource.body(text, i)), `/${resource.field}`);
        }
      }
      const after = await admin<unknown[]>('GET', resource.path);
      expect(after.body).toEqual(before.body);
    });
  }

  it('a change (PATCH) is refused the same way and leaves the stored name alone', async () => {
    const created = await admin<{ id: number; name: string }>('POST', '/api/v1/skills', { code: 'hygiene-patch', name: '热线专席' });
    expect(created.status).toBe(201);
    for (const [, bad] of BAD) {
      expectRefused(await admin<ErrorBody>('PATCH', `/api/v1/skills/${created.body.id}`, { name: `热线${bad}专席` }), '/name');
    }
    expect((await admin<{ name: string }>('GET', `/api/v1/skills/${created.body.id}`)).body.name).toBe('热线专席');
  });

  it('the other characters of the rule: DEL, C1, marks, separators, a line break in a one-line field, a lone surrogate', async () => {
    const before = await admin<unknown[]>('GET', '/api/v1/skills');
    for (const bad of ['\u007F', '\u0085', '\u200F', '\u061C', '\u2028', '\u2029', '\n', '\t', '\uD800']) {
      expectRefused(await admin<ErrorBody>('POST', '/api/v1/skills', { code: 'hygiene-other', name: `名称${bad}` }), '/name');
    }
    expect((await admin<unknown[]>('GET', '/api/v1/skills')).body).toEqual(before.body);
  });

  it('Chinese names with full-width punctuation and emoji are accepted and read back unchanged', async () => {
    for (const [n, resource] of RESOURCES.entries()) {
      const created = await admin<Record<string, unknown>>('POST', resource.path, resource.body(GOOD_NAME, n));
      expect(created.status, `${resource.what}: ${JSON.stringify(created.body)}`).toBe(201);
      const id = created.body.id as number;
      const read = await admin<Record<string, unknown>>('GET', `${resource.path}/${id}`);
      expect(read.body[resource.field]).toBe(GOOD_NAME);
    }
  });

  it('any name with a refused character is refused over HTTP; any name from safe characters is accepted', async () => {
    // Short enough for the 64-character limit whatever the units (an emoji sequence is up to 8).
    let n = 0;
    await fc.assert(
      fc.asyncProperty(safeText(0, 3), forbiddenChar(), safeText(0, 3), async (head, bad, tail) => {
        const answer = await admin<ErrorBody>('POST', '/api/v1/skills', { code: `hygiene-prop-${n++}`, name: head + bad + tail });
        expectRefused(answer, '/name');
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(safeText(1, 8), async (name) => {
        const answer = await admin<{ name: string }>('POST', '/api/v1/skills', { code: `hygiene-safe-${n++}`, name });
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        expect(answer.body.name).toBe(name);
      }),
      { numRuns: 20 },
    );
  });

  it('a bad format says what is expected, never the regular expression', async () => {
    const answer = await admin<ErrorBody>('POST', '/api/v1/routes', { number: '12-345', name: '测试', mode: 'whole', prompt: 'notice-merged-12333' });
    expect(answer.status).toBe(400);
    expect(answer.body.details).toContainEqual({ field: '/number', in: 'body', message: '格式不正确（仅数字，3–20 位）' });
    const code = await admin<ErrorBody>('POST', '/api/v1/skills', { code: 'Bad Code', name: '测试' });
    expect(code.body.details?.[0]?.message).toMatch(/^格式不正确（.+）$/);
    expect(JSON.stringify([answer.body, code.body])).not.toMatch(/\^|\$|\\\\/);
  });
});

describe('the sockets refuse them too', () => {
  it('an agent pausing with a direction character gets a refusal naming the field, then pauses with a plain reason', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1005');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      for (const [, bad] of BAD) {
        const refused = await desk.command('agent.notReady', { reason: `培训${bad}会议` });
        expect(refused).toMatchObject({ ok: false, error: `消息格式不正确: /reason ${FORBIDDEN_CHARS_REASON}` });
      }
      expect(h.server.calls.agents.list().find((a) => a.login === '1005')?.state).toBe('ready');
      expect(await desk.command('agent.notReady', { reason: '培训（会议）☕' })).toMatchObject({ ok: true });
    } finally {
      desk.close();
    }
  });

  it("a supervisor forcing a pause with a direction character in the reason is refused before anything runs", async () => {
    const desk = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const refused = await desk.command('agent.forceNotReady', { agentId: 1, reason: `离席${RLO}` });
      expect(refused).toMatchObject({ ok: false, error: `消息格式不正确: /reason ${FORBIDDEN_CHARS_REASON}` });
    } finally {
      desk.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The rule itself, property-based: the function and the schemas agree, under TypeBox and Ajv.

const codePoints = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCodePoint(c));

/** One character (or emoji sequence) people type: Chinese, ASCII, full-width and CJK punctuation, emoji. */
const safeUnit = fc.oneof(
  codePoints(0x4e00, 0x9fff),
  codePoints(0x20, 0x7e),
  codePoints(0xff01, 0xff5e),
  codePoints(0x3000, 0x303f),
  codePoints(0x1f300, 0x1faff),
  fc.constantFrom('·', '—', '…', '“', '”', '👨‍👩‍👧', '🏳️‍🌈', '🇨🇳', '❤️', 'é'),
);
const safeText = (minLength: number, maxLength: number) => fc.string({ unit: safeUnit, minLength, maxLength });

/** Every character the rule refuses in one-line text (a lone surrogate among them). */
const forbiddenChar = () =>
  fc.oneof(
    fc.integer({ min: 0x00, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.constantFrom(0x061c, 0x200e, 0x200f),
    fc.integer({ min: 0x2028, max: 0x202e }),
    fc.integer({ min: 0x2066, max: 0x2069 }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
  ).map((c) => String.fromCharCode(c));

/** Any UTF-16 string at all, lone surrogates included. */
const anyUtf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

describe('the rule (property-based)', () => {
  const freeText = Compile(FreeText());
  const multiline = Compile(MultilineText());

  it('any string with a refused character is refused, by the function and the schemas', () => {
    fc.assert(
      fc.property(safeText(0, 30), forbiddenChar(), safeText(0, 30), (head, bad, tail) => {
        const text = head + bad + tail;
        expect(hasForbiddenChars(text)).toBe(true);
        expect(freeText.Check(text)).toBe(false);
        if (!['\t', '\n', '\r'].includes(bad)) {
          expect(hasForbiddenChars(text, { multiline: true })).toBe(true);
          expect(multiline.Check(text)).toBe(false);
        }
      }),
    );
  });

  it('any string of safe characters is accepted; multi-line text also takes tab, LF and CR', () => {
    fc.assert(
      fc.property(safeText(0, 60), (text) => {
        expect(hasForbiddenChars(text)).toBe(false);
        expect(freeText.Check(text)).toBe(true);
        expect(multiline.Check(text)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(safeText(1, 10), fc.constantFrom('\n', '\r\n', '\t')), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(hasForbiddenChars(text, { multiline: true })).toBe(false);
        expect(multiline.Check(text)).toBe(true);
        expect(freeText.Check(text)).toBe(!/[\t\n\r]/.test(text));
      }),
    );
  });

  it('the schemas and the function agree on any UTF-16 string', () => {
    fc.assert(
      fc.property(anyUtf16, (text) => {
        expect(freeText.Check(text)).toBe(!hasForbiddenChars(text));
        expect(multiline.Check(text)).toBe(!hasForbiddenChars(text, { multiline: true }));
      }),
    );
  });

  describe("under Fastify's own validator (Ajv), as the routes outside the admin API use it", () => {
    const app = Fastify();
    beforeAll(async () => {
      app.post('/echo', { schema: { body: Type.Object({ name: FreeText({ maxLength: 200 }), note: MultilineText({ maxLength: 2000 }) }) } }, (request) => request.body);
      await app.ready();
    });
    afterAll(() => app.close());

    it('refuses what the function refuses and accepts what it accepts', async () => {
      await fc.assert(
        fc.asyncProperty(anyUtf16, anyUtf16, async (name, note) => {
          const answer = await app.inject({ method: 'POST', url: '/echo', payload: { name, note } });
          const ok = !hasForbiddenChars(name) && !hasForbiddenChars(note, { multiline: true });
          expect(answer.statusCode).toBe(ok ? 200 : 400);
        }),
        { numRuns: 200 },
      );
    });
  });
});
