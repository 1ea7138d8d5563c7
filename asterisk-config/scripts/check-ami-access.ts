/**
 * Least privilege for the CTI server's AMI user: `read`/`write` hold exactly the classes the server
 * needs (ami-privileges.ts), and `permit`/`deny` let in the CTI server's address only.
 */
import {
  READ_NEEDED,
  RISK,
  SERVER_ACTIONS,
  SERVER_EVENTS,
  WRITE_NEEDED,
  classNames,
  grantedMask,
  isAll,
  maskOf,
  unknownWords,
  type AmiClass,
} from './ami-privileges.js';
import { lastEntry, type ConfEntry } from './conf-file.js';
import { error, warning, type Finding } from './findings.js';
import { aclRules, addressKind, hostOf, isSingleHost, summarizeAcl } from './network-access.js';

const shown = (entry: ConfEntry | undefined, key: string) => (entry ? `${entry.key} = ${entry.value}` : `未设置 ${key}`);

/** Granted beyond `needed`: `all`, or the extra class names. */
function extraClasses(mask: number, needed: readonly AmiClass[]): string[] {
  if (isAll(mask)) return ['all'];
  return classNames(mask & ~maskOf(needed));
}

function risks(extra: string[]): string {
  const reasons = extra.flatMap((c) => RISK[c as AmiClass | 'all'] ?? []);
  return reasons.length > 0 ? `（${reasons.join('；')}）` : '';
}

export function checkAmiClasses(entries: ConfEntry[], who: string, at: string): Finding[] {
  const findings: Finding[] = [];
  const readEntry = lastEntry(entries, 'read');
  const writeEntry = lastEntry(entries, 'write');
  const read = grantedMask(readEntry?.value);
  const write = grantedMask(writeEntry?.value);
  const wantRead = `read = ${READ_NEEDED.join(',')}`;
  const wantWrite = `write = ${WRITE_NEEDED.join(',')}`;

  for (const [entry, mask] of [
    [readEntry, read],
    [writeEntry, write],
  ] as const) {
    const odd = unknownWords(entry?.value);
    if (entry && odd.length > 0) {
      findings.push(
        warning(
          'ami-class-unknown',
          `${who} 的 ${shown(entry, '')} 中 ${odd.map((w) => `"${w}"`).join('、')} 不是类别名：Asterisk 逐个比较逗号分隔的词（区分大小写、不去空格、不是最后一个的词按前缀匹配），实际授予 ${classNames(mask).join(',') || '无'}`,
          entry.at,
        ),
      );
    }
  }

  const unread = READ_NEEDED.filter((c) => (read & maskOf([c])) === 0);
  if (unread.length > 0) {
    const events = SERVER_EVENTS.filter((e) => unread.includes(e.class)).map((e) => e.event);
    findings.push(error('ami-permission', `${who} 的 read 缺少 ${unread.join(',')}（${shown(readEntry, 'read')}）：收不到 ${events.join('、')} 事件；应为 ${wantRead}`, readEntry?.at ?? at));
  }
  const extraRead = extraClasses(read, READ_NEEDED);
  if (extraRead.length > 0) {
    findings.push(
      error(
        'ami-privilege',
        `${who} 的 read 超出所需：多了 ${extraRead.join(',')}（${shown(readEntry, 'read')}）；服务器只处理 ${SERVER_EVENTS.map((e) => e.event).join('、')} 事件，应为 ${wantRead}`,
        readEntry?.at ?? at,
      ),
    );
  }

  const denied = SERVER_ACTIONS.filter((a) => a.accepts.length > 0 && (write & maskOf(a.accepts)) === 0);
  if (denied.length > 0) {
    const list = denied.map((a) => `${a.action}（需 ${a.accepts.join(' 或 ')}）`).join('、');
    findings.push(error('ami-permission', `${who} 的 write 不允许 ${list}（${shown(writeEntry, 'write')}）；应为 ${wantWrite}`, writeEntry?.at ?? at));
  }
  const extraWrite = extraClasses(write, WRITE_NEEDED);
  if (extraWrite.length > 0) {
    findings.push(
      error(
        'ami-privilege',
        `${who} 的 write 超出所需：多了 ${extraWrite.join(',')}（${shown(writeEntry, 'write')}）${risks(extraWrite)}；服务器只发 ${SERVER_ACTIONS.map((a) => a.action).join('、')}，应为 ${wantWrite}`,
        writeEntry?.at ?? at,
      ),
    );
  }
  return findings;
}

/**
 * permit/deny of the AMI user. `host` is CTI_AMI_HOST (where the server connects; `hostSetting` names
 * that setting); when it is the loopback address the server connects from 127.0.0.1, which must then
 * be permitted.
 */
export function checkAmiAcl(entries: ConfEntry[], who: string, context: { host: string; hostSetting: string; bind: string; at: string }): Finding[] {
  const { hostSetting } = context;
  const named = entries.filter((e) => e.key.toLowerCase() === 'acl');
  if (named.length > 0) {
    return [
      warning(
        'ami-acl',
        `${who} 用了 acl.conf 的命名 ACL（${named.map((e) => `acl = ${e.value}`).join('，')}）：检查不读 acl.conf，请确认它先 deny 全部地址、只 permit CTI 服务器的地址`,
        named[0]?.at,
      ),
    ];
  }
  const rules = aclRules(entries);
  const findings: Finding[] = rules
    .filter((r) => r.family === 0)
    .map((r) => error('ami-acl', `${who} 的 ${r.sense} = ${r.text} 不是 IP 地址（Asterisk 不接受主机名）`, r.at));
  const { denyAll, effectivePermits } = summarizeAcl(rules);
  if (denyAll[4] < 0) {
    findings.push(
      error('ami-acl', `${who} 没有 deny = 0.0.0.0/0.0.0.0：任何连得上 AMI 端口的地址都能以此用户登录；先 deny 全部地址，再 permit CTI 服务器的地址`, context.at),
    );
    return findings;
  }
  const bindHost = hostOf(context.bind);
  if (bindHost.includes(':') && denyAll[6] < 0) {
    findings.push(error('ami-acl', `AMI 监听 IPv6 地址 ${bindHost}，但 ${who} 没有 deny = ::/0：IPv4 的 deny 管不到 IPv6 客户端`, context.at));
  }
  if (effectivePermits.length === 0) {
    findings.push(
      error('ami-acl', `${who} 在 deny 全部地址之后没有 permit：谁都不能登录，CTI 服务器也不能（Asterisk 按顺序取最后一条匹配的规则）；在 deny 之后 permit CTI 服务器的地址`, context.at),
    );
    return findings;
  }
  for (const rule of effectivePermits.filter((r) => !isSingleHost(r))) {
    findings.push(
      error(
        'ami-acl',
        `${who} 的 permit = ${rule.text} 放行了一个网段，不只是 CTI 服务器：只 permit 它的一个地址（${rule.family === 6 ? '/128' : '/255.255.255.255'}）`,
        rule.at,
      ),
    );
  }
  const loopbackPermitted = effectivePermits.some((r) => isSingleHost(r) && addressKind(r.address) === 'loopback');
  if (addressKind(context.host) === 'loopback' && !loopbackPermitted) {
    findings.push(error('ami-acl', `${hostSetting} 是本机（${context.host}），但 ${who} 没有 permit = 127.0.0.1/255.255.255.255：服务器登录会被拒绝`, context.at));
  }
  if (addressKind(context.host) !== 'loopback' && effectivePermits.every((r) => addressKind(r.address) === 'loopback')) {
    findings.push(
      warning('ami-acl', `${who} 只允许本机登录，但 ${hostSetting} 是 ${context.host}：CTI 服务器在另一台机器上时，permit 它的内网地址`, context.at),
    );
  }
  return findings;
}
