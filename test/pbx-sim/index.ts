/**
 * The PBX simulator: an Asterisk 22 stand-in for tests, speaking AMI (TCP) and ARI (HTTP +
 * WebSocket) on real sockets, plus a control API under `/sim/` on the ARI port.
 *
 *   const sim = await startPbxSim({ amiPort: 0, httpPort: 0 });
 *   // ARI clients → sim.httpUrl, asterisk-manager → 127.0.0.1:sim.amiPort
 *   await fetch(`${sim.httpUrl}/sim/calls`, { method: 'POST', body: JSON.stringify({ from: '13800138000', to: '12345' }) });
 *   await sim.stop();
 */
import { startAmiServer } from './ami/server.js';
import { ApiDocs, resolveApiDocsDir } from './ari/api-docs.js';
import { startHttpServer } from './ari/server.js';
import type { AriRequestRecord, AriRequestVerdict, HttpSessionStats } from './ari/server.js';
import { defaultConfigDir, loadPbxConfig } from './config/load.js';
import { readAmiUsers, readAriUsers, readAsteriskOptions, readHttpSessionLimit, type AmiUser } from './config/readers.js';
import type { PbxConfig, PbxLogger } from './core/pbx.js';
import { Pbx } from './core/pbx.js';
import { controlRoutes } from './control/routes.js';
import type { FaultKind } from './control/routes.js';

export { Pbx } from './core/pbx.js';
export { linkPbxSims } from './link.js';
export type { LinkedNode } from './link.js';
export type { AriRequestRecord, AriRequestVerdict, HttpSessionStats } from './ari/server.js';
export type { PbxConfig, PbxLogger } from './core/pbx.js';

export interface PbxSimOptions {
  /** AMI TCP port; 0 (the default) picks a free one. */
  amiPort?: number;
  /** ARI + control HTTP port; 0 (the default) picks a free one. */
  httpPort?: number;
  host?: string;
  /** Asterisk configuration to load; the product's `asterisk-config/` by default. */
  configDir?: string;
  /** Wall-clock ms per second of prompt audio (default 50: a 2 s prompt lasts 100 ms). */
  playbackMsPerSecond?: number;
  /** Multiplier for dialplan/signalling delays: Wait(), Answer()'s media wait, DTMF, timeouts (default 1). */
  timeScale?: number;
  /** Where the recorded ARI api-docs are (default: shared/asterisk/api-docs, or $SIM_ARI_API_DOCS). */
  apiDocsDir?: string;
  /**
   * asterisk.conf `systemname` (default: the configuration's asterisk.conf, else none): channel
   * uniqueids become `<systemName>-<epoch>.<n>` and AMI events carry `SystemName:`.
   */
  systemName?: string;
  /** ARI `asterisk_id` (asterisk.conf `entityid`); derived from `systemName` when not given. */
  asteriskId?: string;
  /** Anything else for the core (endpoint behaviours, sound lengths, …). */
  core?: Partial<PbxConfig>;
  /** AMI users instead of those of `configDir`'s manager.conf (e.g. the recording lab's, without eventfilter). */
  amiUsers?: AmiUser[];
  /**
   * REST requests over the events socket answered, as by Asterisk 22.4 and later (default true); false
   * plays an older Asterisk: such messages are ignored and `events.json` lists no `RESTRequest` model,
   * so clients keep to HTTP (a test of HTTP-only behaviour: a lost HTTP request, the session limit).
   */
  requestsOverSocket?: boolean;
  /** Told of every authenticated ARI REST request, before it is handled (what a client sent); a returned promise holds it until it settles, `'drop'` loses it (the connection closes unanswered; over the events socket, that socket drops). */
  onAriRequest?: (request: AriRequestRecord) => AriRequestVerdict | Promise<AriRequestVerdict>;
  /** Told of every ARI REST request once handled, before its answer goes out; a returned promise holds the answer (a slow way back). */
  onAriAnswer?: (request: AriRequestRecord, status: number) => void | Promise<void>;
  logger?: PbxLogger;
}

export interface PbxSim {
  readonly core: Pbx;
  readonly httpPort: number;
  readonly amiPort: number;
  /** `http://host:port`: ARI clients take this as their URL; `/sim/…` is the control API. */
  readonly httpUrl: string;
  /** `http://host:port/ari` */
  readonly ariUrl: string;
  /** Drop AMI sessions, ARI sockets, or everything (a restart), as `POST /sim/faults` does. */
  fault(kind: FaultKind, downtimeMs?: number): void;
  /** The HTTP sessions against http.conf's `sessionlimit`: open, peak, refused (`GET /sim/http`). */
  httpSessions(): HttpSessionStats;
  /** Close the next `count` new HTTP connections on arrival, as the session limit does (`POST /sim/http/refuse`). */
  refuseHttpConnections(count: number): void;
  stop(): Promise<void>;
}

export async function startPbxSim(options: PbxSimOptions = {}): Promise<PbxSim> {
  const host = options.host ?? '127.0.0.1';
  const configDir = options.configDir ?? defaultConfigDir();
  const logger = options.logger;
  const identity = readAsteriskOptions(configDir);
  const systemName = options.systemName ?? identity.systemName;
  const entityId = options.asteriskId ?? identity.entityId;
  const core = new Pbx(
    loadPbxConfig(configDir, {
      timing: { msPerSecondOfAudio: options.playbackMsPerSecond ?? 50, timeScale: options.timeScale ?? 1 },
      ...(logger ? { logger } : {}),
      ...(systemName !== undefined ? { systemName } : {}),
      ...(entityId !== undefined ? { entityId } : {}),
      ...options.core,
    }),
  );
  const apiDocs = new ApiDocs(resolveApiDocsDir(options.apiDocsDir), { requestsOverSocket: options.requestsOverSocket ?? true });

  let restartTimer: NodeJS.Timeout | undefined;
  const fault = (kind: FaultKind, downtimeMs = 500): void => {
    logger?.info(`pbx-sim: fault ${kind}`);
    if (kind === 'drop-ami') ami.dropConnections();
    else if (kind === 'drop-ari') http.dropWebSockets();
    else if (kind === 'cut-ari-events') http.cutWebSockets(downtimeMs);
    else {
      // Asterisk dies: sockets drop, every call is gone without events; it comes back after a while.
      core.booted = false;
      http.dropWebSockets();
      ami.dropConnections();
      core.reset();
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        core.booted = true;
        logger?.info('pbx-sim: back after restart');
      }, downtimeMs);
    }
  };

  const http = await startHttpServer({
    pbx: core,
    host,
    port: options.httpPort ?? 0,
    ariUsers: readAriUsers(configDir),
    apiDocs,
    control: controlRoutes({
      pbx: core,
      fault,
      httpSessions: () => http.sessions(),
      refuseHttpConnections: (count) => http.refuseConnections(count),
    }),
    sessionLimit: readHttpSessionLimit(configDir),
    requestsOverSocket: options.requestsOverSocket ?? true,
    ...(options.onAriRequest ? { onAriRequest: options.onAriRequest } : {}),
    ...(options.onAriAnswer ? { onAriAnswer: options.onAriAnswer } : {}),
    ...(logger ? { logger } : {}),
  });
  let ami: Awaited<ReturnType<typeof startAmiServer>>;
  try {
    ami = await startAmiServer({ core, host, port: options.amiPort ?? 0, users: options.amiUsers ?? readAmiUsers(configDir) });
  } catch (err) {
    await http.close();
    throw err;
  }
  const httpUrl = `http://${host}:${http.port}`;
  logger?.info(`pbx-sim: ARI ${httpUrl}/ari, control ${httpUrl}/sim, AMI ${host}:${ami.port} (config ${configDir})`);

  let stopped = false;
  return {
    core,
    httpPort: http.port,
    amiPort: ami.port,
    httpUrl,
    ariUrl: `${httpUrl}/ari`,
    fault,
    httpSessions: () => http.sessions(),
    refuseHttpConnections: (count) => http.refuseConnections(count),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      core.stop();
      await Promise.all([http.close(), ami.close()]);
    },
  };
}
