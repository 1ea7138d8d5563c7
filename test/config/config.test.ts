import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, nodesOf } from '../../config.js';

const secrets = { CTI_AMI_SECRET: 's1', CTI_ARI_PASSWORD: 's2' };

describe('configuration', () => {
  it('has defaults that match asterisk-config/ and the simulator', () => {
    const config = loadConfig(secrets);
    expect(config.httpPort).toBe(8080);
    expect(config.dbPath).toBe('./data/cti.db');
    expect(config.ami).toEqual({ host: '127.0.0.1', port: 5038, user: 'cti', secret: 's1' });
    expect(config.ari).toEqual({ url: 'http://127.0.0.1:8088', user: 'cti', password: 's2', app: 'hotline12345' });
    expect(config.seed).toBe('none');
    expect(config.jobs).toBe('on');
    expect(config.queueOverflowSeconds).toBe(60);
  });

  it('several Asterisk nodes: a list of name, AMI and ARI; without it the one node pbx; a repeated or bad name is refused', () => {
    const node = (name: string, host: string) => ({ name, ami: { host, port: 5038, user: 'cti', secret: `ami-${name}` }, ari: { url: `http://${host}:8088`, user: 'cti', password: `ari-${name}` } });
    const config = loadConfig({ CTI_NODES: JSON.stringify([node('a', '10.0.1.11'), node('b', '10.0.1.12')]), CTI_NODE_LOST: '45' });
    expect(nodesOf(config).map((n) => [n.name, n.ami.host, n.ari.url])).toEqual([
      ['a', '10.0.1.11', 'http://10.0.1.11:8088'],
      ['b', '10.0.1.12', 'http://10.0.1.12:8088'],
    ]);
    // The top-level ami/ari (the application name, check-config) are the first node's; no other secret is asked for.
    expect(config.ami).toMatchObject({ host: '10.0.1.11', secret: 'ami-a' });
    expect(config.ari).toMatchObject({ url: 'http://10.0.1.11:8088', password: 'ari-a', app: 'hotline12345' });
    expect(config.nodeLostSeconds).toBe(45);
    expect(nodesOf(loadConfig({ ...secrets, CTI_ARI_REQUESTS_OVER_SOCKET: 'off' }))[0]?.ari.requestsOverSocket).toBe(false);
    expect(nodesOf(loadConfig(secrets))).toEqual([{ name: 'pbx', ami: { host: '127.0.0.1', port: 5038, user: 'cti', secret: 's1' }, ari: { url: 'http://127.0.0.1:8088', user: 'cti', password: 's2' } }]);
    expect(() => loadConfig({ CTI_NODES: JSON.stringify([node('a', '10.0.1.11'), node('a', '10.0.1.12')]) })).toThrow(/"a" is given twice/);
    expect(() => loadConfig({ CTI_NODES: JSON.stringify([node('Node A', '10.0.1.11')]) })).toThrow(/\/nodes\/0\/name/);
    expect(() => loadConfig({ ...secrets, CTI_NODES: '[{' })).toThrow(/CTI_NODES is not valid JSON/);
    expect(() => loadConfig({ ...secrets, CTI_NODE_LOST: 'soon' })).toThrow(/CTI_NODE_LOST/);
  });

  it('CTI_JOBS turns the scheduled jobs off; anything but on/off is refused with its name', () => {
    expect(loadConfig({ ...secrets, CTI_JOBS: 'off', CTI_QUEUE_OVERFLOW: '20' })).toMatchObject({ jobs: 'off', queueOverflowSeconds: 20 });
    expect(() => loadConfig({ ...secrets, CTI_JOBS: 'maybe' })).toThrow(/CTI_JOBS/);
    expect(() => loadConfig({ ...secrets, CTI_QUEUE_OVERFLOW: '-1' })).toThrow(/CTI_QUEUE_OVERFLOW/);
    expect(() => loadConfig({ ...secrets, CTI_QUEUE_OVERFLOW: 'soon' })).toThrow(/CTI_QUEUE_OVERFLOW/);
  });

  it('has no built-in secrets: a missing one is named, with its variable', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    try {
      loadConfig({ CTI_ARI_PASSWORD: 'x' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('/ami/secret (CTI_AMI_SECRET): is required');
    }
  });

  it('environment overrides the config file, which overrides defaults', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cti-config-')), 'cti.json');
    writeFileSync(file, JSON.stringify({ httpPort: 9000, ami: { host: '10.1.1.1', secret: 'from-file' }, ari: { password: 'p' } }));
    const config = loadConfig({ CTI_CONFIG: file, CTI_HTTP_PORT: '9100', CTI_SEED: 'demo' });
    expect(config.httpPort).toBe(9100);
    expect(config.ami.host).toBe('10.1.1.1');
    expect(config.ami.port).toBe(5038);
    expect(config.ami.secret).toBe('from-file');
    expect(config.seed).toBe('demo');
  });

  it.each([
    [{ CTI_HTTP_PORT: 'eighty' }, 'CTI_HTTP_PORT must be a whole number'],
    [{ CTI_ARI_REQUESTS_OVER_SOCKET: 'yes' }, 'CTI_ARI_REQUESTS_OVER_SOCKET must be on or off'],
    [{ CTI_AMI_PORT: '70000' }, '/ami/port (CTI_AMI_PORT)'],
    [{ CTI_SEED: 'everything' }, '/seed (CTI_SEED)'],
    [{ CTI_ARI_URL: 'ftp://pbx' }, '/ari/url (CTI_ARI_URL)'],
    [{ CTI_ARI_APP: 'bad app!' }, '/ari/app (CTI_ARI_APP)'],
    [{ CTI_ADVERTISED_URL: '10.0.0.1:8080' }, '/advertisedUrl (CTI_ADVERTISED_URL)'],
    [{ CTI_ADVERTISED_URL: 'http://10.0.0.1 :8080' }, '/advertisedUrl (CTI_ADVERTISED_URL)'],
  ])('refuses %o with a message naming it', (env, expected) => {
    expect(() => loadConfig({ ...secrets, ...env })).toThrow(expected);
  });

  it('refuses a config file that is not JSON, or has unknown settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cti-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ httpPort: 1');
    writeFileSync(join(dir, 'extra.json'), JSON.stringify({ httpPrt: 1 }));
    expect(() => loadConfig({ ...secrets, CTI_CONFIG: join(dir, 'bad.json') })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ ...secrets, CTI_CONFIG: join(dir, 'extra.json') })).toThrow(/additional properties/);
    expect(() => loadConfig({ ...secrets, CTI_CONFIG: join(dir, 'missing.json') })).toThrow(/cannot read config file/);
  });
});
