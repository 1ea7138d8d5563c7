/**
 * `GET /ws/supervisor`: the wallboard's live connection (SUPERVISOR.md). Supervisors and admins only —
 * anyone else gets 401 before the upgrade. One picture is built per tick and sent to every
 * supervisor; alerts go out at once; monitoring and force commands are validated, run, answered and
 * audited.
 */
import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import type { CallHandling } from '../../cti/call-handling.js';
import { CallControlError } from '../../cti/calls/call-control-error.js';
import type { MonitorLifetime } from '../../cti/calls/monitoring.js';
import { clockOf, writeAudit, type Db } from '../../store/index.js';
import type { Sessions } from '../auth/sessions.js';
import { holdSession, socketSession } from '../auth/socket-session.js';
import type { TokenClaims } from '../auth/tokens.js';
import { LivePicture } from './live-picture.js';
import { answer, readCommand } from '../ws-commands.js';
import { watchFrames } from '../ws-frames.js';
import type { SocketLimits } from '../ws-limits.js';
import { HotspotWatch } from './hotspot-watch.js';
import { SupervisorCommand, type MonitoringMessage } from './messages.js';

const TICK_MS = 2_000;

export const supervisorGateway: FastifyPluginAsync<{ calls: CallHandling; sessions: Sessions; db: Db; limits: SocketLimits }> = (app, { calls, sessions, db, limits }) => {
  const sockets = new Set<WebSocket>();
  const broadcast = (message: object) => {
    const text = JSON.stringify(message);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  };
  /** Every open supervisor socket and whose it is: a monitoring session that ends is told to its supervisor. */
  const owners = new Map<WebSocket, string>();
  /**
   * Monitoring lasts only while the session that started it does: a supervisor who logs out, or whose
   * account is disabled, deleted or no longer a supervisor's, stops listening to citizens' calls at
   * once, wallboard open or not (the phone is not tied to the page).
   */
  const whileSessionLasts =
    (session: TokenClaims, agentId: number): MonitorLifetime =>
    (end) =>
      sessions.watch(session.sessionId, (reason) => {
        app.log.info({ account: session.login, agentId, reason }, 'monitoring ended with the session that started it');
        end();
      });
  const unwatchMonitoring = calls.monitoring.onStopped(({ supervisor, agentId, callId, reason }) => {
    const text = JSON.stringify({ type: 'monitor.stopped', agentId, callId, reason });
    for (const [socket, login] of owners) if (login === supervisor && socket.readyState === socket.OPEN) socket.send(text);
  });
  const picture = new LivePicture(db, calls, (alert) => broadcast({ type: 'alert', ...alert }));
  const hotspots = new HotspotWatch(db, calls.bus);
  const tick = async () => {
    const now = clockOf(db).now();
    picture.observe(now);
    await hotspots.observe(now);
    if (sockets.size > 0) broadcast(await picture.snapshot(now));
  };
  // One tick at a time (a tick reads the store): a tick still running when the next is due skips it.
  let ticking: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = tick()
      .catch((error: unknown) => app.log.error({ err: error }, 'the wallboard tick failed'))
      .finally(() => {
        ticking = null;
      });
  }, TICK_MS);
  app.addHook('onClose', async () => {
    clearInterval(timer);
    unwatchMonitoring();
    picture.close();
    await ticking;
  });

  const run = async (session: TokenClaims, command: SupervisorCommand): Promise<void> => {
    const agent = calls.agents.get(command.agentId);
    if (!agent) throw new CallControlError('坐席不存在');
    switch (command.type) {
      case 'monitor.listen':
      case 'monitor.whisper':
      case 'monitor.barge': {
        if (!session.endpoint) throw new CallControlError('请登录时填写班长使用的分机');
        const mode = command.type === 'monitor.listen' ? 'listen' : command.type === 'monitor.whisper' ? 'whisper' : 'barge';
        return calls.monitoring.start(session.login, session.endpoint, command.agentId, mode, whileSessionLasts(session, command.agentId));
      }
      case 'monitor.stop':
        return calls.monitoring.stop(session.login, command.agentId);
      case 'agent.forceNotReady':
        return calls.agents.setNotReady(command.agentId, command.reason);
      case 'agent.forceLogout':
        calls.agents.logout(command.agentId);
        // Like a 退出登录 done for them: their desktops are told why and closed, and their login ends,
        // so a desktop's reconnect does not sign them back in; they come back by logging in again.
        return sessions.revokeAccount(command.agentId, 'forced-logout');
    }
  };

  app.get(
    '/ws/supervisor',
    {
      websocket: true,
      preValidation: socketSession(sessions, (claims) => claims.role === 'supervisor' || claims.role === 'admin', '需要班长或管理员账号'),
    },
    (socket: WebSocket, request) => {
      const session = request.session;
      if (!session) {
        socket.close(4401, 'unauthorized');
        return;
      }
      const admitted = limits.admit(socket, session.login, 'supervisor');
      if (!admitted) return;
      const live = holdSession(socket, session, sessions, app.log);
      watchFrames(socket, session.login, 'supervisor', app.log);
      let closed = false;
      owners.set(socket, session.login);
      socket.on('close', () => {
        closed = true;
        sockets.delete(socket);
        owners.delete(socket);
      });
      // The picture first, then every broadcast: the socket joins the broadcasts once its first picture is sent.
      void picture
        .snapshot(clockOf(db).now())
        .then((first) => {
          if (closed) return;
          socket.send(JSON.stringify(first));
          // What this supervisor monitors now: monitoring outlives the page, and a page opened again shows it.
          const monitoring: MonitoringMessage = { type: 'monitoring', sessions: calls.monitoring.sessionsOf(session.login) };
          socket.send(JSON.stringify(monitoring));
        })
        .catch((error: unknown) => app.log.error({ err: error }, 'the first wallboard picture failed'))
        .finally(() => {
          if (!closed) sockets.add(socket);
        });
      socket.on('message', (data: Buffer) => {
        if (!admitted.allow()) return;
        live(() => {
          const reply = (message: object) => {
            if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
          };
          const read = readCommand(SupervisorCommand, data);
          if ('refusal' in read) {
            reply(read.refusal);
            return;
          }
          const command = read.command;
          const audited = run(session, command).then(
            () => writeAudit(db, { actor: session.login, action: command.type, entity: 'agent', entityId: command.agentId, after: { ...command, ok: true } }),
            async (error: unknown) => {
              await writeAudit(db, { actor: session.login, action: command.type, entity: 'agent', entityId: command.agentId, after: { ...command, ok: false, error: (error as Error).message } });
              throw error;
            },
          );
          answer(command, audited, reply, app.log.child({ account: session.login }));
        });
      });
    },
  );
  return Promise.resolve();
};
