/**
 * pjsip.conf as the check needs it: endpoints with their context, which endpoints are trunks (the
 * carrier's calls come in through them), and the passwords of auth objects.
 */
import { isTrue, lastEntry, lastValue, objects, type ConfFile } from './conf-file.js';
import { INTERNODE_PREFIX } from './internode-nodes.js';

export interface PjsipEndpoint {
  name: string;
  context: string;
  aors: string[];
  /** `webrtc = yes`: a browser softphone, whose WSS connection is a session of Asterisk's HTTP server. */
  webrtc: boolean;
  at: string;
}

export interface PjsipAuth {
  name: string;
  password: string | undefined;
  at: string;
}

export interface Pjsip {
  endpoints: Map<string, PjsipEndpoint>;
  auths: PjsipAuth[];
  /** Endpoints that stand for a carrier: named by an identify or a registration, or with an AOR
   * that has a static contact (Asterisk sends to it without a registration). The other nodes of
   * the centre (internode-<node>) look the same but are not carriers: check-internode reads them. */
  trunks: PjsipEndpoint[];
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

export function readPjsip(file: ConfFile): Pjsip {
  const typed = objects(file).map((o) => ({ ...o, type: (lastValue(o.entries, 'type') ?? '').toLowerCase() }));
  const endpoints = new Map<string, PjsipEndpoint>();
  for (const o of typed.filter((t) => t.type === 'endpoint')) {
    endpoints.set(o.section.name, {
      name: o.section.name,
      context: lastValue(o.entries, 'context') ?? 'default',
      aors: list(lastValue(o.entries, 'aors')),
      webrtc: isTrue(lastValue(o.entries, 'webrtc')),
      at: o.section.at,
    });
  }
  const staticAors = new Set(typed.filter((t) => t.type === 'aor' && lastEntry(t.entries, 'contact')).map((t) => t.section.name));
  const trunkNames = new Set([
    ...typed.filter((t) => t.type === 'identify' || t.type === 'registration').flatMap((t) => list(lastValue(t.entries, 'endpoint'))),
    ...[...endpoints.values()].filter((e) => e.aors.some((a) => staticAors.has(a))).map((e) => e.name),
  ]);
  return {
    endpoints,
    auths: typed.filter((t) => t.type === 'auth').map((t) => ({ name: t.section.name, password: lastValue(t.entries, 'password'), at: t.section.at })),
    trunks: [...trunkNames].flatMap((name) => {
      const endpoint = endpoints.get(name);
      return endpoint && !name.startsWith(INTERNODE_PREFIX) ? [endpoint] : [];
    }),
  };
}

/** The endpoint a dial string rings: `PJSIP/1001` → 1001, `PJSIP/12366@trunk` → trunk; other
 * technologies (Local/…) → undefined. */
export function dialEndpoint(dial: string): string | undefined {
  const m = /^PJSIP\/([^@/]+)(?:@([^/]+))?/i.exec(dial.trim());
  if (!m) return undefined;
  return m[2] ?? m[1];
}
