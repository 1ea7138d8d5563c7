/**
 * The CTI server's way in: the AMI user (manager.conf), the ARI user (ari.conf) and the HTTP server
 * carrying ARI (http.conf) against the server's settings (CTI_AMI_*, CTI_ARI_*). Secrets are
 * compared, never printed.
 */
import type { AsteriskFiles } from './asterisk-files.js';
import { isTrue, lastEntry, lastValue, objects, type ConfEntry, type ConfFile } from './conf-file.js';
import { error, warning, type Finding } from './findings.js';
import type { ServerFacts } from './server-facts.js';

/** The shared default of the reference configuration, the simulator and the tests. */
export const SHIPPED_SECRET = 'cti-secret';

/** AMI actions the server sends, with the write classes Asterisk accepts for each (any one). */
const WRITE_NEEDED: [string, string[]][] = [
  ['Redirect', ['call']],
  ['Hangup', ['system', 'call']],
  ['Status', ['system', 'call', 'reporting']],
  ['Originate', ['originate']],
  ['CoreShowChannels', ['system', 'reporting']],
];
/** Events: FullyBooted and ContactStatus are `system`, channel events and DeviceStateChange `call`. */
const READ_NEEDED = ['system', 'call'];
const WRITE_TOO_MUCH = ['all', 'system', 'command', 'config'];

const classes = (value: string | undefined) => new Set((value ?? '').split(',').map((c) => c.trim().toLowerCase()));
const has = (set: Set<string>, name: string) => set.has(name) || set.has('all');
const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);
const isLoopback = (host: string) => /^(127\.|localhost$|::1$|\[::1\]$)/i.test(host);

function general(file: ConfFile): ConfEntry[] {
  return file.sections.find((s) => s.name.toLowerCase() === 'general')?.entries ?? [];
}

/** Where a service listens against the host the server connects to. */
function checkBind(code: string, what: string, bind: string | undefined, host: string, setting: string, at: string | undefined): Finding[] {
  const address = (bind ?? '').replace(/:\d+$/, '');
  if (WILDCARD.has(address)) return [warning(code, `${what} listens on every address of the machine; bind it to the internal address the CTI server uses`, at)];
  if (address === host || (isLoopback(address) && isLoopback(host))) return [];
  if (isLoopback(host)) return [error(code, `${what} listens on ${address} only, but the server connects to ${host} (${setting})`, at)];
  return [warning(code, `${what} listens on ${address}, but the server connects to ${host} (${setting}); fine only if that name is this address`, at)];
}

function checkSecret(code: string, who: string, secret: ConfEntry | undefined, expected: string, setting: string): Finding[] {
  if (!secret) return [error(code, `${who} has no secret`)];
  if (secret.value !== expected) return [error(code, `${who}: the secret differs from ${setting}`, secret.at)];
  if (secret.value === SHIPPED_SECRET) return [warning('default-secret', `${who} still has the shipped secret "${SHIPPED_SECRET}": change it here and in ${setting}`, secret.at)];
  return [];
}

export function checkAmi(manager: ConfFile, facts: ServerFacts): Finding[] {
  const { ami } = facts.config;
  const findings: Finding[] = [];
  const gen = general(manager);
  if (!isTrue(lastValue(gen, 'enabled'))) findings.push(error('ami-disabled', 'manager.conf: AMI is not enabled ([general] enabled = yes)'));
  const port = lastValue(gen, 'port') ?? '5038';
  if (Number(port) !== ami.port) findings.push(error('ami-port', `manager.conf: AMI listens on port ${port} but the server connects to ${ami.port} (CTI_AMI_PORT)`, lastEntry(gen, 'port')?.at));
  findings.push(...checkBind('ami-bind', 'AMI', lastValue(gen, 'bindaddr'), ami.host, 'CTI_AMI_HOST', lastEntry(gen, 'bindaddr')?.at));
  const user = objects(manager).find((o) => o.section.name.toLowerCase() === ami.user.toLowerCase() && o.section.name.toLowerCase() !== 'general');
  if (!user) return [...findings, error('ami-user', `manager.conf has no user [${ami.user}] (CTI_AMI_USER)`)];
  const who = `AMI user ${ami.user}`;
  findings.push(...checkSecret('ami-secret', who, lastEntry(user.entries, 'secret'), ami.secret, 'CTI_AMI_SECRET'));
  const read = classes(lastValue(user.entries, 'read'));
  const write = classes(lastValue(user.entries, 'write'));
  const unread = READ_NEEDED.filter((c) => !has(read, c));
  if (unread.length > 0) findings.push(error('ami-permission', `${who} cannot read ${unread.join(', ')} events (read = ${[...read].join(',')}): add ${unread.join(',')}`, user.section.at));
  const denied = WRITE_NEEDED.filter(([, accepted]) => !accepted.some((c) => has(write, c))).map(([action]) => action);
  if (denied.length > 0) findings.push(error('ami-permission', `${who} may not send ${denied.join(', ')} (write = ${[...write].join(',')}): use write = call,originate,reporting`, user.section.at));
  const extra = WRITE_TOO_MUCH.filter((c) => write.has(c));
  if (extra.length > 0) findings.push(warning('ami-privilege', `${who} has write = ${extra.join(',')}, more than the server needs (call,originate,reporting)`, user.section.at));
  const permits = user.entries.filter((e) => e.key.toLowerCase() === 'permit').map((e) => e.value);
  if (!isLoopback(ami.host) && permits.length > 0 && permits.every((p) => isLoopback(p))) {
    findings.push(warning('ami-acl', `${who} is permitted from this machine only, but CTI_AMI_HOST is ${ami.host}: permit the CTI server's address if it runs elsewhere`, user.section.at));
  }
  return findings;
}

export function checkAri(ari: ConfFile, facts: ServerFacts): Finding[] {
  const { user, password } = facts.config.ari;
  const findings: Finding[] = [];
  const enabled = lastValue(general(ari), 'enabled');
  if (enabled !== undefined && !isTrue(enabled)) findings.push(error('ari-disabled', 'ari.conf: ARI is not enabled ([general] enabled = yes)'));
  const found = objects(ari).find((o) => o.section.name === user && (lastValue(o.entries, 'type') ?? '').toLowerCase() === 'user');
  if (!found) return [...findings, error('ari-user', `ari.conf has no user [${user}] with type = user (CTI_ARI_USER)`)];
  const who = `ARI user ${user}`;
  if ((lastValue(found.entries, 'password_format') ?? 'plain').toLowerCase() === 'crypt') {
    findings.push(warning('ari-password-crypt', `${who} has a crypt() password: the check cannot compare it with CTI_ARI_PASSWORD`, found.section.at));
  } else {
    findings.push(...checkSecret('ari-password', who, lastEntry(found.entries, 'password'), password, 'CTI_ARI_PASSWORD'));
  }
  if (isTrue(lastValue(found.entries, 'read_only'))) findings.push(error('ari-read-only', `${who} is read_only: the server could not answer, play or bridge calls`, found.section.at));
  return findings;
}

export function checkHttp(http: ConfFile, facts: ServerFacts): Finding[] {
  const url = new URL(facts.config.ari.url);
  const gen = general(http);
  const findings: Finding[] = [];
  if (!isTrue(lastValue(gen, 'enabled'))) findings.push(error('http-disabled', 'http.conf: the HTTP server carrying ARI is not enabled ([general] enabled = yes)'));
  const tls = url.protocol === 'https:';
  // Without tlsbindaddr, Asterisk's TLS listener takes bindaddr and port 8089.
  const tlsListen = lastValue(gen, 'tlsbindaddr') ?? lastValue(gen, 'bindaddr');
  const listen = tls ? tlsListen : lastValue(gen, 'bindaddr');
  const port = tls ? Number(/:(\d+)$/.exec(listen ?? '')?.[1] ?? '8089') : Number(lastValue(gen, 'bindport') ?? '8088');
  const urlPort = Number(url.port || (tls ? 443 : 80));
  if (!lastValue(gen, 'bindaddr')) findings.push(error('http-bind', 'http.conf has no bindaddr: Asterisk does not start its HTTP server without one'));
  else findings.push(...checkBind('http-bind', tls ? 'ARI over HTTPS' : 'ARI', listen, url.hostname, 'CTI_ARI_URL', lastEntry(gen, tls ? 'tlsbindaddr' : 'bindaddr')?.at));
  if (tls && !isTrue(lastValue(gen, 'tlsenable'))) findings.push(error('http-tls', 'CTI_ARI_URL is https but http.conf does not enable TLS (tlsenable = yes)'));
  if (port !== urlPort) findings.push(error('http-port', `ARI is served on port ${port} but CTI_ARI_URL uses ${urlPort}`, lastEntry(gen, 'bindport')?.at));
  const prefix = (lastValue(gen, 'prefix') ?? '').replace(/^\/|\/$/g, '');
  const path = url.pathname.replace(/^\/|\/$/g, '');
  if (prefix !== path) findings.push(error('http-prefix', `http.conf prefix is "${prefix}" but CTI_ARI_URL's path is "${path}": ARI is under /${prefix ? `${prefix}/` : ''}ari`));
  if (!tls && isTrue(lastValue(gen, 'tlsenable')) && WILDCARD.has((tlsListen ?? '').replace(/:\d+$/, ''))) {
    findings.push(warning('http-bind', 'http.conf: the TLS listener (ARI too) is on every address of the machine; bind it to the agent network', lastEntry(gen, 'tlsbindaddr')?.at));
  }
  return findings;
}

export function checkCredentials(files: AsteriskFiles, facts: ServerFacts): Finding[] {
  return [
    ...(files.manager ? checkAmi(files.manager, facts) : []),
    ...(files.ari ? checkAri(files.ari, facts) : []),
    ...(files.http ? checkHttp(files.http, facts) : []),
  ];
}
