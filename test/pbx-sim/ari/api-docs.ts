/**
 * The Swagger 1.1 documents ARI serves under `/ari/api-docs/`, read from the recorded copies of a
 * real Asterisk's. Like res_ari.c, `basePath` is rewritten to `http://<Host header>/ari` so clients
 * that load them (Swagger clients) call this server back.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpResult } from './http.js';

/** Where the recorded documents live: an explicit dir, $SIM_ARI_API_DOCS, or the shared folder. */
export function resolveApiDocsDir(explicit?: string): string {
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  const env = process.env['SIM_ARI_API_DOCS'];
  if (env) candidates.push(env);
  // Walk up from this module and from the working directory looking for shared/asterisk/api-docs.
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = resolve(start);
    for (let i = 0; i < 8; i++) {
      candidates.push(join(dir, 'shared', 'asterisk', 'api-docs'));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  candidates.push('/work/shared/asterisk/api-docs');
  const found = candidates.find((c) => existsSync(join(c, 'resources.json')));
  if (!found) throw new Error(`pbx-sim: ARI api-docs not found (looked in ${candidates.slice(0, 4).join(', ')}, …); set SIM_ARI_API_DOCS`);
  return found;
}

/** The models of REST over the events socket (Asterisk 22.4 and later). */
const SOCKET_REQUEST_MODELS = ['RESTRequest', 'RESTResponse', 'RESTQueryStringParameter', 'RESTHeader'];

export class ApiDocs {
  private readonly docs = new Map<string, Record<string, unknown>>();

  /** `requestsOverSocket` false: `events.json` as an Asterisk before 22.4 served it, without REST over the socket's models. */
  constructor(dir: string, options: { requestsOverSocket: boolean } = { requestsOverSocket: true }) {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const parsed: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) this.docs.set(file, parsed as Record<string, unknown>);
    }
    const events = this.docs.get('events.json');
    const models = events?.['models'];
    if (!options.requestsOverSocket && events && models !== null && typeof models === 'object') {
      const kept = Object.fromEntries(Object.entries(models).filter(([name]) => !SOCKET_REQUEST_MODELS.includes(name)));
      this.docs.set('events.json', { ...events, models: kept });
    }
  }

  /** Event model names of `events.json`: the only event types the events socket sends, as Asterisk's documents them. */
  eventTypes(): Set<string> {
    const models = this.docs.get('events.json')?.['models'];
    return new Set(models !== null && typeof models === 'object' ? Object.keys(models) : []);
  }

  serve(file: string, host: string | undefined): HttpResult {
    const doc = this.docs.get(file);
    if (!doc) return { status: 404, body: { message: 'Resource not found' } };
    const copy: Record<string, unknown> = { ...doc };
    if ('basePath' in copy) {
      if (host) copy['basePath'] = `http://${host}/ari`;
      else delete copy['basePath'];
    }
    return { status: 200, body: copy };
  }
}
