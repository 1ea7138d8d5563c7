/**
 * The agent and supervisor WebSockets under generated messages: commands from the protocols'
 * own schemas (valid but hostile, or mutated), JSON that is no command, text that is no JSON,
 * binary frames. Every message must be answered with exactly one `result` (a refusal saying what
 * is wrong when it does not fit the schema), and a refused message changes nothing; every valid
 * supervisor command is audited, nothing else. Frame-level abuse (a frame over the size limit,
 * text that is not UTF-8) must close the socket with its code.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { WebSocket } from 'ws';
import { AgentCommand } from '../../softphone-bridge/agent-ws/messages.js';
import { SupervisorCommand } from '../../softphone-bridge/supervisor-ws/messages.js';
import type { Db } from '../../store/index.js';
import type { DbChanges } from './db-changes.js';
import type { Findings } from './findings.js';
import { NASTY_STRINGS, anyJson, anyString, type Json } from './hostile-values.js';
import { fitting, mutated, validator, type Schema } from './schema-arbitraries.js';

export type Desk = 'agent' | 'supervisor';

export interface WsMessage {
  data: string | Buffer;
  binary: boolean;
  /** Fits the socket's command schema. */
  valid: boolean;
  /** The command's id when it has a string one. */
  id: string | null;
}

const agentFits = validator(AgentCommand as unknown as Schema);
const supervisorFits = validator(SupervisorCommand as unknown as Schema);

/** Click-to-call rings a citizen for real: a valid `call.dial` is left to the call tests. */
/**
 * Commands left out of the fuzz because their effect reaches past the round: an agent's `call.dial`
 * rings a number, a supervisor's `agent.forceLogout` ends the agent's sessions (their desks must log
 * in again; test/softphone/forced-logout-desk.test.ts), so the seats' tokens would stop working.
 */
const LEFT_OUT = { agent: 'call.dial', supervisor: 'agent.forceLogout' } as const;
const harmless = (desk: Desk, value: Json): boolean => !(typeof value === 'object' && value !== null && !Array.isArray(value) && value['type'] === LEFT_OUT[desk]);

function classify(desk: Desk, text: string): { valid: boolean; id: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { valid: false, id: null };
  }
  const valid = desk === 'agent' ? agentFits(parsed) : supervisorFits(parsed);
  const id = typeof parsed === 'object' && parsed !== null && 'id' in parsed && typeof parsed.id === 'string' ? parsed.id : null;
  return { valid, id };
}

export function wsMessages(desk: Desk): fc.Arbitrary<WsMessage> {
  const schema = (desk === 'agent' ? AgentCommand : SupervisorCommand) as unknown as Schema;
  const fit = fitting(schema).filter((v) => harmless(desk, v));
  const asText = fc.oneof(
    { weight: 3, arbitrary: fit.map((v) => JSON.stringify(v)) },
    { weight: 6, arbitrary: mutated(fit).map((m) => (m.value === undefined ? '' : JSON.stringify(m.value))) },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.oneof(anyString, fc.constantFrom(...NASTY_STRINGS, '{"id":"x","type":"agent.ready"', '{"__proto__":{"type":"agent.ready"},"id":"p"}')) },
  );
  return fc.oneof(
    {
      weight: 12,
      arbitrary: asText.filter((t) => Buffer.byteLength(t) < 15_000 && !t.includes(`"type":"${LEFT_OUT[desk]}"`)).map((text) => {
        const { valid, id } = classify(desk, text);
        return { data: text, binary: false, valid, id };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fit.map((v) => Buffer.from(JSON.stringify(v)))).map((data) => {
        const { valid, id } = classify(desk, data.toString('utf8'));
        return { data, binary: true, valid, id };
      }),
    },
  );
}

const REFUSAL = /^(消息格式不正确|消息不是有效的 JSON)/;

interface Answer {
  type: string;
  id: string | null;
  ok: boolean;
  error?: string;
}

interface Session {
  socket: WebSocket;
  answers: Answer[];
  closed: Promise<number>;
  /** Resolves once `n` answers are in (or after `ms`). */
  answered(n: number, ms: number): Promise<void>;
}

/** Opens a socket; resolves once its first message (hello / snapshot) arrived. */
function open(url: string, path: string, token: string): Promise<Session> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}${path}?token=${encodeURIComponent(token)}`);
  const answers: Answer[] = [];
  let expecting: { n: number; done: () => void } | null = null;
  const answered = (n: number, ms: number) =>
    new Promise<void>((resolve) => {
      if (answers.length >= n) return resolve();
      const timer = setTimeout(() => resolve(), ms);
      expecting = {
        n,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('no first message within 5 s'));
      socket.terminate();
    }, 5000);
    socket.once('message', () => {
      clearTimeout(timer);
      socket.on('message', (data: Buffer) => {
        try {
          const m = JSON.parse(data.toString('utf8')) as Answer;
          if (m.type === 'result') answers.push(m);
        } catch {
          answers.push({ type: 'not json', id: null, ok: false });
        }
        if (expecting && answers.length >= expecting.n) expecting.done();
      });
      resolve({ socket, answers, closed, answered });
    });
    socket.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`refused before the upgrade: ${res.statusCode}`));
    });
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`closed with ${code} before its first message`));
    });
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Seat {
  desk: Desk;
  login: string;
  token: string;
}

export class WsFuzzer {
  constructor(
    private readonly baseUrl: string,
    private readonly db: Db,
    private readonly changes: DbChanges,
    private readonly findings: Findings,
  ) {}

  private auditRows(): number {
    return this.db.get<{ n: number }>(sql`select count(*) as n from audit_log`)?.n ?? 0;
  }

  /** Every socket of the round at once, each sent its messages (under the burst limit); then the checks. */
  async round(work: { seat: Seat; messages: WsMessage[] }[]): Promise<void> {
    this.changes.take();
    const auditBefore = this.auditRows();
    let validSupervisor = 0;
    await Promise.all(
      work.map(async ({ seat, messages }) => {
        const surface = `ws-${seat.desk}`;
        let session: Session;
        try {
          session = await open(this.baseUrl, `/ws/${seat.desk}`, seat.token);
        } catch (error) {
          this.findings.add(`${surface}: could not open a socket (${(error as Error).message})`, seat.login);
          return;
        }
        for (const m of messages) session.socket.send(m.data, { binary: m.binary });
        await session.answered(messages.length, 5000);
        this.findings.tried(surface, messages.length);
        if (session.answers.length !== messages.length) {
          this.findings.add(`${surface}: ${messages.length} messages got ${session.answers.length} answers`, messages.map((m) => (typeof m.data === 'string' ? m.data : `<binary ${m.data.toString('hex')}>`)));
        }
        for (const a of session.answers) this.findings.answered(surface, a.ok ? 'ok' : REFUSAL.test(a.error ?? '') ? 'malformed' : 'refused');
        // Answers come in order for refusals; valid commands may answer later: match by id where there is one.
        const pending = [...session.answers];
        for (const m of messages) {
          const shown = typeof m.data === 'string' ? m.data : `<binary ${m.data.toString('hex')}>`;
          if (m.valid) {
            if (seat.desk === 'supervisor') validSupervisor++;
            const at = pending.findIndex((a) => a.id === m.id && !(a.ok === false && REFUSAL.test(a.error ?? '')));
            if (at >= 0) pending.splice(at, 1);
            else this.findings.add(`${surface}: a valid command was refused as malformed`, { message: shown, answers: session.answers.slice(0, 3) });
          } else {
            const at = pending.findIndex((a) => a.ok === false && REFUSAL.test(a.error ?? '') && a.id === m.id);
            if (at >= 0) pending.splice(at, 1);
            else this.findings.add(`${surface}: a malformed message was not refused with its error`, { message: shown, answers: session.answers.slice(0, 3) });
          }
        }
        session.socket.close();
        if ((await Promise.race([session.closed, wait(3000).then(() => -1)])) === -1) {
          this.findings.add(`${surface}: the socket did not close within 3 s of the client's close`, seat.login);
          session.socket.terminate();
        }
      }),
    );
    const changed = this.changes.take();
    const audited = this.auditRows() - auditBefore;
    if (audited !== validSupervisor) this.findings.add(`ws-supervisor: ${validSupervisor} valid commands made ${audited} audit entries`, { validSupervisor, audited });
    // Only the audit entries of valid supervisor commands are written, and the agent-state history
    // (opening a desk socket logs the agent in, closing it sets them 示忙; valid commands change state):
    // a refused message writes nothing.
    const others = [...changed.keys()].filter((t) => t !== 'audit_log' && t !== 'agent_state_changes');
    if (others.length > 0) this.findings.add(`ws: a round of messages changed ${others.join(', ')}`, work.map((w) => w.messages.map((m) => m.data.toString())));
  }

  /** Frame-level abuse: too big (1009), not UTF-8 (1007). The socket must close with that code. */
  async frames(seat: Seat): Promise<void> {
    const cases: { name: string; data: Buffer; binary: boolean; codes: number[] }[] = [
      { name: 'a frame over 16 KiB', data: Buffer.alloc(16 * 1024 + 1, 'x'), binary: false, codes: [1009] },
      { name: 'a text frame that is not UTF-8', data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false, codes: [1007] },
      { name: 'a lone surrogate in UTF-8', data: Buffer.from([0xed, 0xa0, 0x80]), binary: false, codes: [1007] },
    ];
    for (const c of cases) {
      const surface = `ws-${seat.desk}`;
      const session = await open(this.baseUrl, `/ws/${seat.desk}`, seat.token);
      session.socket.send(c.data, { binary: c.binary });
      const code = await Promise.race([session.closed, wait(3000).then(() => -1)]);
      this.findings.tried(surface);
      if (!c.codes.includes(code)) this.findings.add(`${surface}: ${c.name} closed with ${code}, not ${c.codes.join('/')}`, c.data.toString('hex').slice(0, 40));
      session.socket.terminate();
    }
  }

  /** Upgrades without a usable token (or with one of the wrong role): refused before the upgrade (401), never a 5xx. */
  async badTokens(desk: Desk, tokens: string[]): Promise<void> {
    for (const token of tokens) {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${this.baseUrl.replace('http', 'ws')}/ws/${desk}?token=${encodeURIComponent(token)}`);
        socket.on('error', () => resolve(0));
        socket.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('open', () => {
          resolve(101);
          socket.terminate();
        });
      });
      this.findings.tried(`ws-${desk}`);
      if (status !== 401) this.findings.add(`ws-${desk}: upgrade with a bad token answered ${status}`, token.slice(0, 80));
    }
  }
}
