/**
 * `npm run sim`: the PBX simulator as a process, on Asterisk's usual ports unless told otherwise.
 *
 *   node dist/test/pbx-sim/cli.js [--ami-port 5038] [--http-port 8088] [--config-dir asterisk-config]
 *                                 [--playback-ms-per-second 1000] [--time-scale 1]
 *                                 [--system-name a] [--asterisk-id 02:fc:00:00:00:0a]
 *
 * Environment: SIM_AMI_PORT, SIM_HTTP_PORT, SIM_CONFIG_DIR, SIM_SYSTEM_NAME, SIM_ASTERISK_ID. Without either, the ports come from the
 * configuration's manager.conf and http.conf (5038 and 8088 in asterisk-config/).
 */
import { defaultConfigDir } from './config/load.js';
import { readAmiPort, readHttpPort } from './config/readers.js';
import { startPbxSim } from './index.js';

function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function number(name: string, env: string | undefined, fallback: number): number {
  const text = flag(name) ?? (env !== undefined ? process.env[env] : undefined);
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`pbx-sim: --${name} must be a non-negative number, got '${text}'`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const configDir = flag('config-dir') ?? process.env['SIM_CONFIG_DIR'] ?? defaultConfigDir();
  const systemName = flag('system-name') ?? process.env['SIM_SYSTEM_NAME'];
  const asteriskId = flag('asterisk-id') ?? process.env['SIM_ASTERISK_ID'];
  const log = (msg: string): void => console.log(`${new Date().toISOString()} ${msg}`);
  const sim = await startPbxSim({
    // Ports: flag, environment, the configuration's manager.conf/http.conf, Asterisk's defaults.
    amiPort: number('ami-port', 'SIM_AMI_PORT', readAmiPort(configDir) ?? 5038),
    httpPort: number('http-port', 'SIM_HTTP_PORT', readHttpPort(configDir) ?? 8088),
    host: flag('host') ?? process.env['SIM_HOST'] ?? '127.0.0.1',
    playbackMsPerSecond: number('playback-ms-per-second', undefined, 1000),
    timeScale: number('time-scale', undefined, 1),
    configDir,
    ...(systemName !== undefined && systemName !== '' ? { systemName } : {}),
    ...(asteriskId !== undefined && asteriskId !== '' ? { asteriskId } : {}),
    logger: { info: log, warn: (m) => console.warn(`${new Date().toISOString()} ${m}`) },
  });
  console.log(`PBX simulator listening: AMI ${sim.amiPort}, ARI ${sim.ariUrl}, control ${sim.httpUrl}/sim`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`pbx-sim: ${signal}, stopping`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('pbx-sim failed to start:', err);
  process.exit(1);
});
