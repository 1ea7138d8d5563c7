/**
 * `GET /health`: is the server taking calls — linked to each Asterisk node (AMI and ARI), its Stasis
 * application registered there (else that node's dialplan sends callers to its survival path), its
 * database answering, and no recovery step under way (outage import, reconciliation). `ok` only
 * then; otherwise `degraded` with the reasons, each node's state in `nodes`.
 */
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

export interface HealthSources {
  /** Each Asterisk node's AMI and ARI link. */
  nodes(): NodeHealth[];
  database(): Promise<boolean>;
  /** Per node: is the Stasis application registered there? (Asked only of nodes whose ARI is up.) */
  stasis?(): Promise<Record<string, boolean>>;
  /** Recovery steps under way. */
  recovering?(): string[];
}

export interface NodeHealth {
  name: string;
  ami: boolean;
  ari: boolean;
}

const NodeState = Type.Object({
  name: Type.String(),
  ami: Type.Boolean(),
  ari: Type.Boolean(),
  stasis: Type.Boolean(),
  /** The node takes calls: both links up and the application registered. */
  serving: Type.Boolean(),
});

const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  /** Every node's AMI / ARI link is up. */
  ami: Type.Boolean(),
  ari: Type.Boolean(),
  database: Type.Boolean(),
  stasis: Type.Optional(Type.Boolean()),
  nodes: Type.Array(NodeState),
  recovering: Type.Optional(Type.Array(Type.String())),
  /** Why the server is not taking calls, or not on every node (degraded only). */
  reasons: Type.Optional(Type.Array(Type.String())),
});

/** "节点 b：…" only when there are several nodes: a single node's reasons read as before. */
function nodeReasons(node: { name: string; ami: boolean; ari: boolean; stasis: boolean }, several: boolean): string[] {
  const prefix = several ? `node ${node.name}: ` : '';
  return [
    ...(node.ami ? [] : [`${prefix}AMI link down`]),
    ...(node.ari ? [] : [`${prefix}ARI link down`]),
    ...(node.ari && !node.stasis ? [`${prefix}Stasis application not registered: calls take the dialplan survival path`] : []),
  ];
}

/**
 * 200 while the server takes calls: the database answers, no recovery step is under way, and at least
 * one node serves. With several nodes, a node down makes the status `degraded` with its reasons but
 * keeps 200: the other nodes' calls go on here, and a load balancer must not take the server out
 * for it. With one node, that node down is 503, as nothing is served.
 */
export const healthRoutes: FastifyPluginAsync<{ sources: HealthSources }> = (app, { sources }) => {
  app.get('/health', { schema: { response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    const links = sources.nodes();
    const database = await sources.database();
    const registered = links.some((n) => n.ari) ? ((await sources.stasis?.()) ?? {}) : {};
    const nodes = links.map((n) => {
      const stasis = n.ari && (registered[n.name] ?? true);
      return { ...n, stasis, serving: n.ami && n.ari && stasis };
    });
    const recovering = sources.recovering?.() ?? [];
    const several = nodes.length > 1;
    const reasons = [
      ...nodes.flatMap((n) => nodeReasons(n, several)),
      ...(database ? [] : ['database not answering']),
      ...recovering.map((step) => `recovering: ${step}`),
    ];
    const serving = database && recovering.length === 0 && nodes.some((n) => n.serving);
    const ok = reasons.length === 0;
    return reply.code(serving ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      ami: nodes.every((n) => n.ami),
      ari: nodes.every((n) => n.ari),
      database,
      stasis: nodes.every((n) => n.stasis),
      nodes,
      recovering,
      ...(ok ? {} : { reasons }),
    });
  });
  return Promise.resolve();
};
