/**
 * Phones and dial strings: every agent's phone, sub-centre dial string and menu transfer target names
 * a PJSIP endpoint that exists; the trunk the server dials outside numbers on exists; every
 * endpoint's context exists; no placeholder password is left.
 */
import type { AsteriskFiles } from './asterisk-files.js';
import { error, warning, type Finding } from './findings.js';
import { menuRefs } from './menu-refs.js';
import { dialEndpoint } from './pjsip.js';
import type { ServerFacts } from './server-facts.js';

/** cti/calls/transfer-target.ts dials outside numbers as PJSIP/<number>@trunk. */
export const TRUNK_ENDPOINT = 'trunk';

export function checkEndpoints(files: AsteriskFiles, facts: ServerFacts): Finding[] {
  const pjsip = files.pjsip;
  if (!pjsip) return [];
  const findings: Finding[] = [];
  const exists = (name: string) => pjsip.endpoints.has(name);
  if (!exists(TRUNK_ENDPOINT)) {
    findings.push(error('trunk-endpoint-missing', `pjsip.conf has no endpoint [${TRUNK_ENDPOINT}]: the server dials outside numbers, 110/119/120/122, expert seats and department contacts as PJSIP/<number>@${TRUNK_ENDPOINT}`));
  }
  for (const agent of facts.agents) {
    if (!agent.endpoint || !agent.enabled) continue;
    const name = dialEndpoint(agent.endpoint);
    if (name === undefined) findings.push(warning('agent-endpoint', `agent ${agent.login}: phone ${agent.endpoint} is not a PJSIP endpoint; the check cannot verify it`));
    else if (!exists(name)) findings.push(error('agent-endpoint-missing', `agent ${agent.login} (${agent.name}) uses phone ${agent.endpoint}, which pjsip.conf does not define: the agent could never be rung`));
  }
  const dials = [
    ...facts.routes.filter((r) => r.enabled && r.subcentreDial).map((r) => ({ dial: r.subcentreDial ?? '', usedBy: `route ${r.number}` })),
    ...facts.menus.flatMap((m) => menuRefs(m.definition).transfers.map((dial) => ({ dial, usedBy: `menu ${m.code}` }))),
  ];
  for (const { dial, usedBy } of dials) {
    const name = dialEndpoint(dial);
    if (name !== undefined && !exists(name)) findings.push(error('dial-endpoint-missing', `${usedBy} dials ${dial}, but pjsip.conf has no endpoint [${name}]`));
  }
  const contexts = files.dialplan?.contexts;
  for (const endpoint of pjsip.endpoints.values()) {
    if (contexts && !contexts.has(endpoint.context)) {
      findings.push(warning('endpoint-context', `calls from endpoint ${endpoint.name} go to context ${endpoint.context}, which extensions.conf does not define`, endpoint.at));
    }
  }
  const placeholders = pjsip.auths.filter((a) => /^change-?me/i.test(a.password ?? '')).map((a) => a.name);
  if (placeholders.length > 0) {
    findings.push(warning('placeholder-password', `pjsip.conf: ${placeholders.length} SIP password(s) are still placeholders (${placeholders.join(', ')}): set real ones before phones register`));
  }
  return findings;
}
