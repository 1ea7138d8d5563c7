/**
 * Hotline numbers: which numbers the carrier trunk can reach, that each enters the CTI server's
 * Stasis application with the dialled number first, that every route has such a DID and every DID a
 * route, and that nothing but the DIDs is reachable from the trunk.
 */
import type { AsteriskFiles } from './asterisk-files.js';
import { SPECIAL_EXTENSIONS, extensionMatches, substituteGlobals, withIncludes, type Dialplan, type DialplanContext } from './dialplan.js';
import { fallbackTarget } from './check-outage.js';
import { error, warning, type Finding } from './findings.js';
import type { ServerFacts } from './server-facts.js';

/** A way into the app from the trunk: a number (literal) or a pattern with `${EXTEN}`. */
export interface Did {
  context: string;
  extension: string;
  /** The number the server receives as the first Stasis argument, when it is fixed. */
  number: string | undefined;
  /** The pattern the server receives numbers of (`${EXTEN}` on a pattern extension). */
  pattern: string | undefined;
  app: string;
  at: string;
}

/** Applications that keep a trunk call where it is (no way on to other numbers). */
const HARMLESS = new Set(['stasis', 'hangup', 'noop', 'verbose', 'log', 'set', 'mset', 'answer', 'ringing', 'progress', 'playback', 'wait', 'busy', 'congestion', 'playtones', 'stopplaytones']);
const JUMPS = new Set(['goto', 'gotoif', 'gotoiftime', 'gosub', 'gosubif', 'macro', 'execif']);

function trunkContexts(files: AsteriskFiles, plan: Dialplan, findings: Finding[]): DialplanContext[] {
  const trunks = files.pjsip?.trunks ?? [];
  if (trunks.length === 0) {
    findings.push(error('no-trunk', 'pjsip.conf has no carrier trunk (an endpoint named by an identify or a registration, or with an AOR that has a static contact): no call can come in'));
  }
  const seen = new Set<string>();
  const contexts: DialplanContext[] = [];
  for (const trunk of trunks) {
    if (!plan.contexts.has(trunk.context)) {
      findings.push(error('trunk-context-missing', `the trunk ${trunk.name} sends calls to context ${trunk.context}, which extensions.conf does not define`, trunk.at));
    }
    contexts.push(...withIncludes(plan, trunk.context, seen));
  }
  return contexts;
}

function didOf(context: string, extension: string, args: string[], at: string, plan: Dialplan, findings: Finding[]): Did {
  const app = substituteGlobals(args[0] ?? '', plan.globals);
  const first = (args[1] ?? '').trim();
  const did: Did = { context, extension, number: undefined, pattern: undefined, app, at };
  if (first === '${EXTEN}') {
    if (extension.startsWith('_')) did.pattern = extension;
    else did.number = extension;
  } else if (first !== '' && !first.includes('${')) {
    did.number = first;
  } else {
    findings.push(
      error('did-argument', `${context},${extension}: the first Stasis argument must be the dialled number (\${EXTEN} or the number itself), not "${first}"`, at),
    );
  }
  return did;
}

export function findDids(files: AsteriskFiles, facts: ServerFacts, findings: Finding[]): Did[] {
  const plan = files.dialplan;
  if (!plan || !files.pjsip) return [];
  const dids: Did[] = [];
  for (const context of trunkContexts(files, plan, findings)) {
    for (const extension of context.extensions) {
      for (const step of extension.steps) {
        const app = step.app.toLowerCase();
        const where = `${context.name},${extension.name}`;
        if (app === 'stasis') {
          const did = didOf(context.name, extension.name, step.args, step.at, plan, findings);
          if (did.app !== facts.config.ari.app) {
            findings.push(error('did-app', `${where} enters Stasis application "${did.app}" but the server registers "${facts.config.ari.app}" (CTI_ARI_APP)`, step.at));
          }
          dids.push(did);
        } else if (fallbackTarget(step, context.name) !== undefined) {
          // The survival path when the application is absent: checked by check-outage.ts.
        } else if (JUMPS.has(app)) {
          findings.push(warning('trunk-jump', `${where} runs ${step.app}(): the check cannot follow it; make sure callers from the trunk reach only the hotline`, step.at));
        } else if (!HARMLESS.has(app)) {
          findings.push(error('trunk-exposes', `${where} runs ${step.app}() for callers from the carrier trunk: only the hotline DIDs may be reachable from outside`, step.at));
        }
      }
      if (!SPECIAL_EXTENSIONS.has(extension.name) && !extension.steps.some((s) => s.app.toLowerCase() === 'stasis') && extension.steps.length > 0) {
        findings.push(warning('trunk-no-app', `${context.name},${extension.name} is reachable from the trunk but never enters the Stasis application`, extension.at));
      }
    }
  }
  return dids;
}

export function checkDids(files: AsteriskFiles, facts: ServerFacts): Finding[] {
  const findings: Finding[] = [];
  // A DID into the wrong application is reported once (did-app); it still counts as the route's DID.
  const dids = findDids(files, facts, findings);
  if (!files.dialplan || !files.pjsip) return findings;
  const enabled = facts.routes.filter((r) => r.enabled);
  const inbound = files.pjsip.trunks[0]?.context ?? 'from-pstn';
  const appVariable = [...files.dialplan.globals].find(([, value]) => value === facts.config.ari.app)?.[0];
  const app = appVariable ? `\${${appVariable}}` : facts.config.ari.app;
  for (const route of enabled) {
    const reached = dids.some((d) => d.number === route.number || (d.pattern !== undefined && extensionMatches(d.pattern, route.number)));
    if (!reached) {
      findings.push(
        error(
          'route-without-did',
          `route ${route.number} (${route.name}) has no DID: no call from the trunk reaches it; add to [${inbound}] in extensions.conf "exten => ${route.number},1,Stasis(${app},\${EXTEN})" and " same => n,Hangup()"`,
        ),
      );
    }
  }
  const main = enabled.find((r) => r.mode === 'main');
  for (const did of dids) {
    if (did.number === undefined || enabled.some((r) => r.number === did.number)) continue;
    const disabled = facts.routes.some((r) => r.number === did.number) ? ' (its route is disabled)' : '';
    if (main) {
      findings.push(warning('did-without-route', `DID ${did.number} enters the application with no route${disabled}: its callers are served as ${main.number}, without their own prompt or hotline tag`, did.at));
    } else {
      findings.push(error('did-without-route', `DID ${did.number} enters the application with no route${disabled}, and there is no enabled main route to serve it`, did.at));
    }
  }
  return findings;
}
