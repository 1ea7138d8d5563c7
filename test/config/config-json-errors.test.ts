/**
 * A typo in the node list (CTI_NODES) or in the config file (CTI_CONFIG) stops the server with a
 * message naming the setting — main.ts writes it to stderr, i.e. into journald / the service log.
 * Secrets never appear in logs: the message must not quote the secret next to the typo.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

const SECRET = 'Ami7Secret2026';
const dir = mkdtempSync(join(tmpdir(), 'cti-config-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What loadConfig stops with. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

// The secret written without its quotes: the commonest slip when a value is pasted in.
const nodesWithTypo = `[{"name":"a","ami":{"host":"10.0.1.11","port":5038,"user":"cti","secret":${SECRET}},"ari":{"url":"http://10.0.1.11:8088","user":"cti","password":"p"}}]`;

describe('a configuration that is not valid JSON', () => {
  it('CTI_NODES: the setting is named, the secret is not printed', () => {
    const message = refusal({ CTI_NODES: nodesWithTypo });
    // Where the typo is (the secret's first character), so that it can be found and fixed.
    expect(message).toBe(`CTI_NODES is not valid JSON: at line 1, column ${nodesWithTypo.indexOf(SECRET) + 1}`);
    expect(message, 'the AMI secret in the start-up error').not.toContain(SECRET.slice(0, 6));
  });

  it('CTI_CONFIG: the file is named, the secret is not printed', () => {
    const file = join(dir, 'cti.json');
    writeFileSync(file, `{\n  "ari": {"password": "p"},\n  "ami": {"host": "10.0.1.11", "secret": ${SECRET}}\n}\n`);
    const message = refusal({ CTI_CONFIG: file });
    expect(message).toBe(`config file ${file} is not valid JSON: at line 3, column 42`);
    expect(message, 'the AMI secret in the start-up error').not.toContain(SECRET.slice(0, 6));
  });
});
