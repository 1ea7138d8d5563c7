/**
 * `npm run demo`: the PBX simulator and the server together, with demo data, and a stream of demo
 * calls so a newcomer sees calls arrive and tickets open in the log. Development tool, not product.
 */
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../cti/logging.js';
import { DEMO_PASSWORD, startServer } from '../main.js';
import { readAmiUsers, readAriUsers } from './pbx-sim/config/readers.js';
import { startPbxSim } from './pbx-sim/index.js';
import { AgentDesktop } from './support/agent-desktop.js';
import { placeCall, simRequest } from './support/sim-client.js';

const CALL_EVERY_MS = 8_000;
const CALL_LENGTH_MS = 6_000;
const DEMO_NUMBERS = ['12345', '12345', '12315', '12333', '12366'];
const AGENT_PHONES = ['1001', '1002', '1003', '1004', '1005'];
/** Agents the demo logs in itself (robot desktops), so calls are answered; 1004 and 1005 stay free for you. */
const ROBOT_AGENTS = ['1001', '1002', '1003'];

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

async function main(): Promise<void> {
  const configDir = join(process.cwd(), 'asterisk-config');
  const sim = await startPbxSim({
    amiPort: envPort('SIM_AMI_PORT', 5038),
    httpPort: envPort('SIM_HTTP_PORT', 8088),
    configDir,
  });
  // The server uses the credentials the reference configuration (and so the simulator) carries.
  const ami = readAmiUsers(configDir)[0];
  const ari = readAriUsers(configDir)[0];
  if (!ami || !ari) throw new Error('asterisk-config/ has no AMI or ARI user');
  const config = loadConfig({
    CTI_DB: './data/demo.db',
    CTI_SEED: 'demo',
    ...process.env,
    CTI_AMI_PORT: String(sim.amiPort),
    CTI_AMI_USER: ami.username,
    CTI_AMI_SECRET: ami.secret,
    CTI_ARI_URL: sim.httpUrl,
    CTI_ARI_USER: ari.username,
    CTI_ARI_PASSWORD: ari.password,
  });
  const log = createLogger(config.logLevel);
  log.info({ ami: sim.amiPort, ari: sim.httpUrl }, 'PBX simulator started');
  const server = await startServer(config, log);

  for (const phone of AGENT_PHONES) {
    await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: true, answer: 'auto', answerDelayMs: 1500 });
  }

  const demoLog = log.child({ part: 'demo' });
  const robots: AgentDesktop[] = [];
  for (const login of ROBOT_AGENTS) {
    const desk = await AgentDesktop.login(server.httpUrl, login, DEMO_PASSWORD);
    await desk.command('agent.ready');
    desk.onMessage = (m) => {
      if (m.type === 'call.offered') demoLog.info({ agent: login, ticket: m.ticketNumber, hotline: m.hotline }, 'screen-pop on a robot desktop');
      // Ready again after each wrap-up, like a diligent agent.
      if (m.type === 'agent.state' && m.state === 'not_ready') void desk.command('agent.ready');
    };
    robots.push(desk);
  }
  const timer = setInterval(() => {
    const from = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const to = pick(DEMO_NUMBERS);
    placeCall(sim.httpUrl, from, to)
      .then((channelId) => {
        demoLog.info({ to, channelId }, 'demo call placed');
        setTimeout(() => void simRequest(sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`).catch(() => undefined), CALL_LENGTH_MS);
      })
      .catch((error: unknown) => demoLog.warn({ err: (error as Error).message }, 'demo call failed'));
  }, CALL_EVERY_MS);

  const stop = () => {
    clearInterval(timer);
    for (const desk of robots) desk.close();
    void server
      .close()
      .then(() => sim.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log.info(
    { http: server.httpUrl, robots: ROBOT_AGENTS },
    'demo running: a call every few seconds, answered by robot agents 1001-1003; agents 1004/1005 (password demo) are free; Ctrl-C to stop',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
