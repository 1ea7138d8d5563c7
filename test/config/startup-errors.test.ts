/**
 * What the operator reads when the server cannot start (`npm start`, journald under systemd): one line
 * saying what is wrong — the README's `PostgreSQL at … did not answer` — and never the database
 * password, never a stack trace to dig the reason out of.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PASSWORD = 'Pg-Start-4711';

/** The server started from its sources as `npm start` starts it; its exit code and what it wrote to stderr. */
async function start(env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, CTI_AMI_SECRET: 'cti-secret', CTI_ARI_PASSWORD: 'cti-secret', CTI_LOG_LEVEL: 'silent', ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('start-up errors', () => {
  it('PostgreSQL that does not answer: one line naming it without the password, no stack trace', async () => {
    // Port 1: nothing listens there, so the connection is refused at once.
    const { code, stderr } = await start({ CTI_DB: `postgres://cti:${PASSWORD}@127.0.0.1:1/cti` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cti-12345: PostgreSQL at postgres:\/\/cti:\*\*\*@127\.0\.0\.1:1\/cti did not answer: .*ECONNREFUSED.*\n$/);
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('a password given in the URL\'s query (as node-postgres accepts it) is hidden too', async () => {
    const { code, stderr } = await start({ CTI_DB: `postgres://cti@127.0.0.1:1/cti?password=${PASSWORD}&sslpassword=${PASSWORD}&application_name=cti` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cti-12345: PostgreSQL at postgres:\/\/cti@127\.0\.0\.1:1\/cti\?password=\*\*\*&sslpassword=\*\*\*&application_name=cti did not answer: /);
    expect(stderr).not.toContain(PASSWORD);
  }, 60_000);

  it('a setting that is not valid JSON: named, with where the typo is, and exit 2', async () => {
    const { code, stderr } = await start({ CTI_NODES: `[{"name":"a","ami":{"secret":${PASSWORD}}}]` });
    expect(code).toBe(2);
    expect(stderr).toBe('cti-12345: CTI_NODES is not valid JSON: at line 1, column 30\n');
  }, 60_000);
});
