/**
 * The survival path while the CTI server is not taking calls (extensions.conf, [hotline-outage]):
 * every DID that enters the Stasis application falls back on STASISSTATUS=FAILED to a context that
 * writes the outage record the server imports (AstDB family cti-outage, completed by a hangup
 * handler) and queues the caller to the agents' phones; that queue exists in queues.conf and lists
 * every enabled agent's phone.
 */
import type { AsteriskFiles } from './asterisk-files.js';
import { readConf, resolvedEntries, type ConfFile } from './conf-file.js';
import { splitArgs, withIncludes, type Dialplan, type DialplanContext } from './dialplan.js';
import { error, warning, type Finding } from './findings.js';
import type { ServerFacts } from './server-facts.js';

/** The AstDB family the server imports (cti/recovery/outage-records.ts). */
export const OUTAGE_FAMILY = 'cti-outage';

/** `GotoIf(cond?ctx,exten,prio[:…])` on STASISSTATUS = FAILED: the context it jumps to, else undefined. */
export function fallbackTarget(step: { app: string; args: string[] }, currentContext: string): string | undefined {
  if (step.app.toLowerCase() !== 'gotoif') return undefined;
  const data = step.args.join(',');
  const q = data.indexOf('?');
  if (q < 0) return undefined;
  const condition = data.slice(0, q);
  if (!/STASISSTATUS/.test(condition)) return undefined;
  const [whenTrue = '', whenFalse = ''] = data.slice(q + 1).split(':');
  // `$["${STASISSTATUS}" = "FAILED"]?outage`, or `!= "SUCCESS"`/`!= SUCCESS`, or the branches the other way round.
  const onFailure = /=\s*"?FAILED"?/.test(condition) && !/!=/.test(condition) ? whenTrue : /!=\s*"?SUCCESS"?/.test(condition) ? whenTrue : /=\s*"?SUCCESS"?/.test(condition) ? whenFalse : '';
  const parts = splitArgs(onFailure).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  return parts.length >= 3 ? parts[0] : currentContext;
}

function steps(context: DialplanContext | undefined): { app: string; args: string[]; at: string; data: string }[] {
  return (context?.extensions ?? []).flatMap((e) => e.steps.map((s) => ({ ...s, data: s.args.join(',') })));
}

/** Queues named by Queue() in a context. */
function queuesUsed(context: DialplanContext | undefined, plan: Dialplan): string[] {
  return steps(context)
    .filter((s) => s.app.toLowerCase() === 'queue')
    .map((s) => (s.args[0] ?? '').trim())
    .map((q) => q.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => plan.globals.get(name) ?? ''))
    .filter((q) => q !== '');
}

function writesRecord(data: string): boolean {
  return new RegExp(`DB\\(${OUTAGE_FAMILY}/\\$\\{UNIQUEID\\}\\)=`).test(data);
}

export function checkOutage(files: AsteriskFiles, facts: ServerFacts, queuesFile: ConfFile | undefined = files.dir ? readConf(files.dir, 'queues.conf') : undefined): Finding[] {
  const plan = files.dialplan;
  if (!plan || !files.pjsip) return [];
  const findings: Finding[] = [];
  const targets = new Set<string>();
  const seen = new Set<string>();
  const trunkContexts = files.pjsip.trunks.flatMap((t) => withIncludes(plan, t.context, seen));
  for (const context of trunkContexts) {
    for (const extension of context.extensions) {
      const index = extension.steps.findIndex((s) => s.app.toLowerCase() === 'stasis');
      if (index < 0) continue;
      const next = extension.steps[index + 1];
      const target = next ? fallbackTarget(next, context.name) : undefined;
      if (target === undefined) {
        findings.push(
          error(
            'outage-fallback-missing',
            `${context.name},${extension.name}: nothing follows Stasis() for when the CTI server is down; add after it " same => n,GotoIf($["\${STASISSTATUS}" = "FAILED"]?hotline-outage,\${EXTEN},1)" so callers reach the agents' phones`,
            extension.steps[index]?.at,
          ),
        );
        continue;
      }
      targets.add(target);
    }
  }
  const queues = queuesFile?.sections.filter((s) => !s.template && s.name.toLowerCase() !== 'general') ?? [];
  for (const name of targets) {
    const context = plan.contexts.get(name);
    if (!context) {
      findings.push(error('outage-context-missing', `the fallback jumps to context ${name}, which extensions.conf does not define`));
      continue;
    }
    const all = steps(context);
    if (!all.some((s) => s.app.toLowerCase() === 'set' && writesRecord(s.data))) {
      findings.push(error('outage-record-missing', `${name} does not write the outage record Set(DB(${OUTAGE_FAMILY}/\${UNIQUEID})=…): calls taken while the server is down would be lost to it`, context.extensions[0]?.at));
    }
    const handler = all.find((s) => s.app.toLowerCase() === 'set' && /CHANNEL\(hangup_handler_push\)=/i.test(s.data));
    const handlerContext = handler ? (splitArgs(handler.data.slice(handler.data.indexOf('=') + 1))[0] ?? '').trim() : undefined;
    if (!handlerContext || !steps(plan.contexts.get(handlerContext)).some((s) => writesRecord(s.data) && /done=1/.test(s.data))) {
      findings.push(error('outage-record-incomplete', `${name} has no hangup handler (CHANNEL(hangup_handler_push)) that completes the outage record with its outcome and done=1`, handler?.at ?? context.extensions[0]?.at));
    }
    if (!all.some((s) => s.app.toLowerCase() === 'mixmonitor')) {
      findings.push(warning('outage-not-recorded', `${name} does not record calls (MixMonitor): calls taken while the server is down have no recording`, context.extensions[0]?.at));
    }
    const used = queuesUsed(context, plan);
    if (used.length === 0) {
      findings.push(error('outage-queue-missing', `${name} never runs Queue(): callers would not reach the agents' phones while the server is down`, context.extensions[0]?.at));
    }
    for (const queueName of used) {
      const section = queues.find((s) => s.name === queueName);
      if (!section) {
        findings.push(error('outage-queue-undefined', `${name} queues callers in ${queueName}, which queues.conf does not define`));
        continue;
      }
      const members = resolvedEntries(queuesFile?.sections ?? [], section)
        .filter((e) => e.key.toLowerCase() === 'member')
        .map((e) => (e.value.split(',')[0] ?? '').trim().replace(/\/n$/, ''));
      for (const agent of facts.agents) {
        if (!agent.enabled || !agent.endpoint) continue;
        // A phone pjsip.conf lacks is reported once, by check-endpoints (agent-endpoint-missing).
        const endpoint = /^PJSIP\/([^@/]+)$/.exec(agent.endpoint)?.[1];
        if (endpoint === undefined || !files.pjsip.endpoints.has(endpoint)) continue;
        if (!members.includes(agent.endpoint)) {
          findings.push(error('outage-queue-member-missing', `agent ${agent.login} (${agent.name}) is not in queue ${queueName}: add "member => ${agent.endpoint},0,${agent.login}" to queues.conf so the phone rings while the server is down`, section.at));
        }
      }
    }
  }
  return findings;
}
