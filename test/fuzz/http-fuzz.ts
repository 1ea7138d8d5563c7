/**
 * Runs generated HTTP requests against a live server and judges each answer:
 * - never a 5xx, never a dropped connection;
 * - a request the schema (or the roles) rule out is refused with a 4xx and `{error}`;
 * - a refused request changes nothing in the database (seen through `DbChanges`);
 * - free text that was accepted reads back exactly as it was sent.
 * Requests the server must refuse, and reads, go in concurrent batches (the whole batch must leave
 * the database alone); requests it may accept and that could write go one at a time, so that a
 * change is pinned on the request that made it.
 */
import { performance } from 'node:perf_hooks';
import type { DbChanges } from './db-changes.js';
import type { Findings } from './findings.js';
import type { HttpInput } from './http-inputs.js';
import type { RawHttpClient, RawResponse } from './raw-http.js';

/** Tables a refused request may write: a failed login is counted (that is what the refusal records). */
const BOOKKEEPING_ON_REFUSAL = /login|session/;

const writes = (input: HttpInput) => input.method !== 'GET';

function parseJson(response: RawResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The reason without its particulars, so that one defect is one finding. */
const reasonKind = (reason: string) => reason.replace(/\s*\(.*\)$/, '');

/** What a request and its answer are allowed to change. */
function allowed(input: HttpInput, status: number, table: string): boolean {
  if (input.op === 'POST /api/v1/auth/login' && BOOKKEEPING_ON_REFUSAL.test(table)) return true;
  // Reading or searching tickets is audited (they hold personal data).
  if (status < 300 && input.surface === 'tickets' && input.method === 'GET' && table === 'audit_log') return true;
  return false;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class HttpFuzzer {
  /** Milliseconds spent in each lane, and how many requests went one at a time. */
  readonly timing = { together: 0, alone: 0, pinDown: 0, requestsAlone: 0 };

  constructor(
    private readonly client: RawHttpClient,
    private readonly changes: DbChanges,
    private readonly findings: Findings,
    /** The logins' tokens: shown as `<role token>` in the findings. */
    private readonly tokens: Record<string, string> = {},
  ) {}

  /** A request as the findings show it (tokens by name). */
  private shown(input: HttpInput): object {
    let text = JSON.stringify({ method: input.method, path: input.path, headers: input.headers, ...(input.body !== undefined ? { body: input.body } : {}) });
    for (const [role, token] of Object.entries(this.tokens)) text = text.split(token).join(`<${role} token>`);
    return JSON.parse(text) as object;
  }

  private async send(input: HttpInput): Promise<RawResponse | null> {
    try {
      return await this.client.send({ method: input.method, path: input.path, headers: input.headers, ...(input.body !== undefined ? { body: input.body } : {}) });
    } catch (error) {
      this.findings.add(`${input.surface}: ${input.op} got no answer`, { ...this.shown(input), error: (error as Error).message });
      return null;
    }
  }

  /** Judges one answer on its own (status, error shape, read-back). */
  private judge(input: HttpInput, response: RawResponse): void {
    const { status } = response;
    this.findings.answered(input.surface, `${Math.floor(status / 100)}xx`);
    const where = `${input.surface}: ${input.op}`;
    if (status >= 500 || status < 100) {
      this.findings.add(`${where} answered ${status}`, { ...this.shown(input), answer: response.body.toString('utf8').slice(0, 200) });
      return;
    }
    if (status >= 400) {
      const body = parseJson(response);
      if (!isRecord(body) || typeof body['error'] !== 'string') {
        this.findings.add(`${where} refused (${status}) without a JSON {error}`, { ...this.shown(input), answer: response.body.toString('utf8').slice(0, 200) });
      }
      return;
    }
    if (input.mustRefuse.length > 0) {
      this.findings.add(`${where} accepted (${status}) although: ${[...new Set(input.mustRefuse.map(reasonKind))].join('; ')}`, this.shown(input));
      return;
    }
    const sent = Object.entries(input.freeText);
    if (sent.length > 0 && (input.method === 'POST' || input.method === 'PATCH' || input.method === 'PUT')) {
      // The stored row comes back: as it is, or under `ticket`.
      const body = parseJson(response);
      const record = isRecord(body) ? (isRecord(body['ticket']) ? body['ticket'] : body) : {};
      for (const [field, value] of sent) {
        const back = record[field];
        if (typeof back === 'string' && back !== value) {
          this.findings.add(`${where} stores ${field} other than sent`, { sent: value, stored: back, request: this.shown(input) });
        }
      }
    }
  }

  /** A batch: refusals and reads together, then the rest one by one. */
  async run(batch: HttpInput[]): Promise<void> {
    const together = batch.filter((i) => i.mustRefuse.length > 0 || !writes(i));
    const alone = batch.filter((i) => !together.includes(i));
    let t = performance.now();
    this.changes.take();
    const answers = await Promise.all(together.map(async (input) => ({ input, response: await this.send(input) })));
    for (const { input, response } of answers) if (response) this.judge(input, response);
    const changed = this.changes.take();
    this.timing.together += performance.now() - t;
    t = performance.now();
    const acceptedWrite = answers.some(({ input, response }) => response && response.status < 300 && writes(input));
    if (!acceptedWrite) {
      const unexplained = [...changed.keys()].filter((table) => !answers.some(({ input, response }) => response && allowed(input, response.status, table)));
      if (unexplained.length > 0) await this.pinDown(answers.filter(({ response }) => !response || response.status >= 400).map(({ input }) => input), unexplained);
    }
    this.timing.pinDown += performance.now() - t;
    t = performance.now();
    this.timing.requestsAlone += alone.length;
    for (const input of alone) {
      const response = await this.send(input);
      if (!response) continue;
      this.judge(input, response);
      const tables = [...this.changes.take().keys()].filter((table) => !allowed(input, response.status, table));
      if (response.status >= 400 && tables.length > 0) {
        this.findings.add(`${input.surface}: ${input.op} refused (${response.status}) but changed ${tables.join(', ')}`, this.shown(input));
      }
    }
    this.timing.alone += performance.now() - t;
    for (const input of batch) this.findings.tried(input.surface);
  }

  /** A concurrent batch of refusals changed the database: replay them one by one to find which. */
  private async pinDown(suspects: HttpInput[], tables: string[]): Promise<void> {
    let found = false;
    for (const input of suspects) {
      this.changes.take();
      const response = await this.send(input);
      const changed = [...this.changes.take().keys()].filter((t) => !(response && allowed(input, response.status, t)));
      if (response && response.status >= 400 && changed.length > 0) {
        found = true;
        this.findings.add(`${input.surface}: ${input.op} refused (${response.status}) but changed ${changed.join(', ')}`, this.shown(input));
      }
    }
    if (!found) this.findings.add(`http: a batch of refused requests changed ${tables.join(', ')}`, suspects.map((i) => this.shown(i)));
  }
}
