/**
 * Readers for the Asterisk configuration files the simulator needs. Each takes a configuration
 * directory (the product's `asterisk-config/` or the lab's `lab-conf/`) and returns plain data.
 * Missing files give empty results, never exceptions.
 */
import { lastValue, readConfFile, resolvedEntries } from './conf-parser.js';

export interface AmiUser {
  username: string;
  secret: string;
  /** `eventfilter` lines, in order (ami/event-filter.ts). */
  eventFilters: string[];
}

export interface AriUser {
  username: string;
  password: string;
  readOnly: boolean;
}

export interface PjsipEndpointConfig {
  /** Section name, which is the endpoint's resource (`1001`, `trunk`). */
  name: string;
  context: string;
  /** The AOR has a static `contact =` (a trunk): the endpoint is reachable without registering. */
  staticContact: string | undefined;
  /** qualify_frequency of its AOR; 0 means contacts are "NonQualified". */
  qualifyFrequency: number;
  /** `language`: its channels' language (Asterisk's default `en` when none is set). */
  language: string;
}

export interface QueueConfig {
  name: string;
  strategy: string;
  timeout: number;
  retry: number;
  /** Member interfaces, e.g. `Local/1001@agents/n`. */
  members: { interface: string; penalty: number; memberName: string }[];
  musicClass: string;
  /** `ringinuse`: may a member whose device is in use be rung (Asterisk's default: yes)? */
  ringInUse: boolean;
  /** `setinterfacevar`, `setqueueentryvar` (default no). */
  setInterfaceVar: boolean;
  setQueueEntryVar: boolean;
}

const GENERAL = 'general';

/** `manager.conf`: every section except `[general]` is a user; `secret` is its password. */
export function readAmiUsers(dir: string): AmiUser[] {
  const sections = readConfFile(dir, 'manager.conf');
  const users: AmiUser[] = [];
  for (const s of sections) {
    if (s.isTemplate || s.name.toLowerCase() === GENERAL) continue;
    const entries = resolvedEntries(sections, s);
    const secret = lastValue(entries, 'secret');
    const eventFilters = entries.filter((e) => e.key.toLowerCase() === 'eventfilter').map((e) => e.value);
    if (secret !== undefined) users.push({ username: s.name, secret, eventFilters });
  }
  return users;
}

export function readAmiPort(dir: string): number | undefined {
  const general = readConfFile(dir, 'manager.conf').find((s) => s.name.toLowerCase() === GENERAL);
  const port = general ? lastValue(general.entries, 'port') : undefined;
  return port !== undefined && /^\d+$/.test(port) ? Number(port) : undefined;
}

/** `ari.conf`: sections with `type = user`; only `password_format = plain` is supported. */
export function readAriUsers(dir: string): AriUser[] {
  const sections = readConfFile(dir, 'ari.conf');
  const users: AriUser[] = [];
  for (const s of sections) {
    if (s.isTemplate) continue;
    const entries = resolvedEntries(sections, s);
    if ((lastValue(entries, 'type') ?? '').toLowerCase() !== 'user') continue;
    const password = lastValue(entries, 'password');
    if (password === undefined) continue;
    const ro = (lastValue(entries, 'read_only') ?? 'no').toLowerCase();
    users.push({ username: s.name, password, readOnly: ro === 'yes' || ro === 'true' || ro === '1' });
  }
  return users;
}

export function readHttpPort(dir: string): number | undefined {
  const general = readConfFile(dir, 'http.conf').find((s) => s.name.toLowerCase() === GENERAL);
  const port = general ? lastValue(general.entries, 'bindport') : undefined;
  return port !== undefined && /^\d+$/.test(port) ? Number(port) : undefined;
}

/** Asterisk's `DEFAULT_SESSION_LIMIT` (main/http.c): HTTP sessions open at once when http.conf names none. */
export const DEFAULT_HTTP_SESSION_LIMIT = 100;

/** `http.conf` `[general] sessionlimit`: how many HTTP sessions (REST connections and WebSockets) may be open at once. */
export function readHttpSessionLimit(dir: string): number {
  const general = readConfFile(dir, 'http.conf').find((s) => s.name.toLowerCase() === GENERAL);
  const value = general ? lastValue(general.entries, 'sessionlimit')?.trim() : undefined;
  // Like http.c's ast_parse_arg(PARSE_IN_RANGE 1..INT_MAX): anything else leaves the default.
  const limit = value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
  return limit >= 1 ? limit : DEFAULT_HTTP_SESSION_LIMIT;
}

/**
 * `pjsip.conf` endpoints. Sections are typed by their (possibly inherited) `type`; the same name may
 * appear as endpoint, aor and auth.
 */
export function readPjsipEndpoints(dir: string): PjsipEndpointConfig[] {
  const sections = readConfFile(dir, 'pjsip.conf');
  const typed = sections
    .filter((s) => !s.isTemplate)
    .map((s) => {
      const entries = resolvedEntries(sections, s);
      return { name: s.name, type: (lastValue(entries, 'type') ?? '').toLowerCase(), entries };
    });
  const endpoints: PjsipEndpointConfig[] = [];
  for (const ep of typed.filter((t) => t.type === 'endpoint')) {
    const aorNames = (lastValue(ep.entries, 'aors') ?? ep.name)
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const aor = typed.find((t) => t.type === 'aor' && aorNames.includes(t.name));
    const qualify = aor ? Number(lastValue(aor.entries, 'qualify_frequency') ?? '0') : 0;
    endpoints.push({
      name: ep.name,
      context: lastValue(ep.entries, 'context') ?? 'default',
      staticContact: aor ? lastValue(aor.entries, 'contact') : undefined,
      qualifyFrequency: Number.isFinite(qualify) ? qualify : 0,
      language: lastValue(ep.entries, 'language') || 'en',
    });
  }
  return endpoints;
}

/** `queues.conf`: enough for a minimal `Queue()` (ringall over the members). */
export function readQueues(dir: string): QueueConfig[] {
  const sections = readConfFile(dir, 'queues.conf');
  const queues: QueueConfig[] = [];
  for (const s of sections) {
    if (s.isTemplate || s.name.toLowerCase() === GENERAL) continue;
    const entries = resolvedEntries(sections, s);
    const members = entries
      .filter((e) => e.key.toLowerCase() === 'member')
      .map((e) => {
        const [iface = '', penalty = '0', memberName = ''] = e.value.split(',').map((p) => p.trim());
        return { interface: iface, penalty: Number(penalty) || 0, memberName: memberName || iface };
      })
      .filter((m) => m.interface !== '');
    queues.push({
      name: s.name,
      strategy: lastValue(entries, 'strategy') ?? 'ringall',
      timeout: Number(lastValue(entries, 'timeout') ?? '15') || 15,
      retry: Number(lastValue(entries, 'retry') ?? '5') || 5,
      members,
      musicClass: lastValue(entries, 'musicclass') ?? 'default',
      ringInUse: !/^(no|false|n|f|0|off)$/i.test(lastValue(entries, 'ringinuse') ?? 'yes'),
      setInterfaceVar: /^(yes|true|y|t|1|on)$/i.test(lastValue(entries, 'setinterfacevar') ?? 'no'),
      setQueueEntryVar: /^(yes|true|y|t|1|on)$/i.test(lastValue(entries, 'setqueueentryvar') ?? 'no'),
    });
  }
  return queues;
}

/** Names of the music-on-hold classes in `musiconhold.conf` (always includes `default`). */
export function readMohClasses(dir: string): string[] {
  const names = readConfFile(dir, 'musiconhold.conf')
    .filter((s) => !s.isTemplate && s.name.toLowerCase() !== GENERAL)
    .map((s) => s.name);
  return names.includes('default') ? names : ['default', ...names];
}

export interface AsteriskOptions {
  /** `[options] systemname`: prefixes channel uniqueids, named in AMI events. */
  systemName?: string;
  /** `[options] entityid`: the node's entity id (ARI `asterisk_id`). */
  entityId?: string;
}

/** `asterisk.conf` `[options]`: the node's identity (absent from a configuration that does not set it). */
export function readAsteriskOptions(dir: string): AsteriskOptions {
  const options = readConfFile(dir, 'asterisk.conf').find((s) => s.name.toLowerCase() === 'options');
  const systemName = options ? lastValue(options.entries, 'systemname') : undefined;
  const entityId = options ? lastValue(options.entries, 'entityid') : undefined;
  return {
    ...(systemName !== undefined && systemName !== '' ? { systemName } : {}),
    ...(entityId !== undefined && entityId !== '' ? { entityId } : {}),
  };
}
