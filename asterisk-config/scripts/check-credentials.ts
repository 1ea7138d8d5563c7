/**
 * The CTI server's way in: the AMI user (manager.conf), the ARI user (ari.conf) and the HTTP server
 * carrying ARI (http.conf) against the server's settings (CTI_AMI_*, CTI_ARI_*), and least privilege:
 * the AMI user's classes and address rules (check-ami-access.ts), ARI on an internal address with no
 * browser origins. Secrets are compared, never printed.
 */
import { checkAmiAcl, checkAmiClasses } from './check-ami-access.js';
import { checkAmiEventFilter } from './check-ami-events.js';
import type { AsteriskFiles } from './asterisk-files.js';
import { isTrue, lastEntry, lastValue, objects, type ConfEntry, type ConfFile } from './conf-file.js';
import { error, warning, type Finding } from './findings.js';
import { addressKind, hostOf } from './network-access.js';
import { settingName, type ServerFacts } from './server-facts.js';

/** The shared default of the reference configuration, the simulator and the tests. */
export const SHIPPED_SECRET = 'cti-secret';

const isLoopback = (host: string) => addressKind(host) === 'loopback';

function general(file: ConfFile): ConfEntry[] {
  return file.sections.find((s) => s.name.toLowerCase() === 'general')?.entries ?? [];
}

/**
 * Where a service listens against the host the server connects to. Every address of the machine
 * (`wildcard`: an error for ARI, a warning for AMI, whose user is held to the CTI server's address by
 * permit/deny) or a public one (an error for both) makes it reachable from beyond the CTI server.
 */
function checkBind(
  code: string,
  what: string,
  bind: string | undefined,
  host: string,
  setting: string,
  at: string | undefined,
  wildcardLevel: 'error' | 'warning',
): Finding[] {
  const address = hostOf(bind ?? '');
  const kind = addressKind(address);
  if (kind === 'wildcard') {
    const report = wildcardLevel === 'error' ? error : warning;
    return [report(code, `${what} 监听本机所有地址（${bind ? `bindaddr = ${bind}` : '未设置 bindaddr'}）：应绑定到 CTI 服务器连接的内网地址（${setting} = ${host}），只让 CTI 服务器访问`, at)];
  }
  if (kind === 'public') return [error(code, `${what} 绑定在公网地址 ${address}：应绑定到 127.0.0.1 或 CTI 服务器连接的内网地址，绝不能从互联网访问`, at)];
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
  if (Number(port) !== ami.port) findings.push(error('ami-port', `manager.conf: AMI listens on port ${port} but the server connects to ${ami.port} (${settingName(facts, 'CTI_AMI_PORT')})`, lastEntry(gen, 'port')?.at));
  const bind = lastValue(gen, 'bindaddr');
  findings.push(...checkBind('ami-bind', 'AMI', bind, ami.host, settingName(facts, 'CTI_AMI_HOST'), lastEntry(gen, 'bindaddr')?.at, 'warning'));
  const user = objects(manager).find((o) => o.section.name.toLowerCase() === ami.user.toLowerCase() && o.section.name.toLowerCase() !== 'general');
  if (!user) return [...findings, error('ami-user', `manager.conf has no user [${ami.user}] (${settingName(facts, 'CTI_AMI_USER')})`)];
  const who = `AMI user ${ami.user}`;
  findings.push(...checkSecret('ami-secret', who, lastEntry(user.entries, 'secret'), ami.secret, settingName(facts, 'CTI_AMI_SECRET')));
  findings.push(...checkAmiClasses(user.entries, who, user.section.at));
  findings.push(...checkAmiEventFilter(user.entries, who, user.section.at));
  findings.push(...checkAmiAcl(user.entries, who, { host: ami.host, hostSetting: settingName(facts, 'CTI_AMI_HOST'), bind: bind ?? '', at: user.section.at }));
  return findings;
}

export function checkAri(ari: ConfFile, facts: ServerFacts): Finding[] {
  const { user, password } = facts.config.ari;
  const findings: Finding[] = [];
  const enabled = lastValue(general(ari), 'enabled');
  if (enabled !== undefined && !isTrue(enabled)) findings.push(error('ari-disabled', 'ari.conf: ARI is not enabled ([general] enabled = yes)'));
  const origins = lastEntry(general(ari), 'allowed_origins');
  if (origins && origins.value !== '') {
    findings.push(
      error('ari-origins', `ari.conf 设置了 allowed_origins = ${origins.value}：这些来源的浏览器页面可以跨域调用 ARI；只有 CTI 服务器访问 ARI，删除这一行`, origins.at),
    );
  }
  const found = objects(ari).find((o) => o.section.name === user && (lastValue(o.entries, 'type') ?? '').toLowerCase() === 'user');
  if (!found) return [...findings, error('ari-user', `ari.conf has no user [${user}] with type = user (${settingName(facts, 'CTI_ARI_USER')})`)];
  const who = `ARI user ${user}`;
  if ((lastValue(found.entries, 'password_format') ?? 'plain').toLowerCase() === 'crypt') {
    findings.push(warning('ari-password-crypt', `${who} has a crypt() password: the check cannot compare it with ${settingName(facts, 'CTI_ARI_PASSWORD')}`, found.section.at));
  } else {
    findings.push(...checkSecret('ari-password', who, lastEntry(found.entries, 'password'), password, settingName(facts, 'CTI_ARI_PASSWORD')));
  }
  if (isTrue(lastValue(found.entries, 'read_only'))) findings.push(error('ari-read-only', `${who} is read_only: the server could not answer, play or bridge calls`, found.section.at));
  return findings;
}

export function checkHttp(http: ConfFile, facts: ServerFacts): Finding[] {
  const url = new URL(facts.config.ari.url);
  const urlSetting = settingName(facts, 'CTI_ARI_URL');
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
  else findings.push(...checkBind('http-bind', tls ? 'ARI over HTTPS' : 'ARI', listen, url.hostname, urlSetting, lastEntry(gen, tls ? 'tlsbindaddr' : 'bindaddr')?.at, 'error'));
  if (tls && !isTrue(lastValue(gen, 'tlsenable'))) findings.push(error('http-tls', `${urlSetting} is https but http.conf does not enable TLS (tlsenable = yes)`));
  if (port !== urlPort) findings.push(error('http-port', `ARI is served on port ${port} but ${urlSetting} uses ${urlPort}`, lastEntry(gen, 'bindport')?.at));
  const prefix = (lastValue(gen, 'prefix') ?? '').replace(/^\/|\/$/g, '');
  const path = url.pathname.replace(/^\/|\/$/g, '');
  if (prefix !== path) findings.push(error('http-prefix', `http.conf prefix is "${prefix}" but the path of ${urlSetting} is "${path}": ARI is under /${prefix ? `${prefix}/` : ''}ari`));
  if (!tls && isTrue(lastValue(gen, 'tlsenable'))) findings.push(...checkTlsListener(tlsListen ?? '', lastEntry(gen, 'tlsbindaddr')?.at));
  return findings;
}

/**
 * Asterisk's TLS listener, when the server does not use it (browser softphones' WSS): it serves ARI
 * as well, and http.conf has no per-address access list, so whoever reaches it can try ARI.
 */
function checkTlsListener(listen: string, at: string | undefined): Finding[] {
  const address = hostOf(listen);
  const kind = addressKind(address);
  if (kind === 'wildcard' || kind === 'public') {
    const where = kind === 'wildcard' ? `本机所有地址（tlsbindaddr = ${listen}）` : `公网地址 ${address}`;
    return [error('http-bind', `http.conf 的 TLS 监听（tlsenable）在${where}：它同样提供 ARI；浏览器软电话的 WSS 请改用内网反向代理，只转发 /ws`, at)];
  }
  if (kind === 'loopback') return [];
  return [
    warning('http-tls-ari', `http.conf 的 TLS 监听（tlsbindaddr = ${listen}）也提供 ARI：能连到它的坐席网段都能尝试登录 ARI；更稳妥的做法是反向代理只转发 /ws，ARI 只留在 127.0.0.1`, at),
  ];
}

export function checkCredentials(files: AsteriskFiles, facts: ServerFacts): Finding[] {
  return [
    ...(files.manager ? checkAmi(files.manager, facts) : []),
    ...(files.ari ? checkAri(files.ari, facts) : []),
    ...(files.http ? checkHttp(files.http, facts) : []),
  ];
}
