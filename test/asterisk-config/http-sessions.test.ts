/**
 * check-config and Asterisk's HTTP session limit: the CTI server's ARI connections (CTI_ARI_CONNECTIONS),
 * its event socket and the browser softphones must fit under http.conf's `sessionlimit`, or Asterisk
 * closes connections unanswered and callers wait unanswered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../asterisk-config/scripts/check-config.js';
import type { Finding } from '../../asterisk-config/scripts/findings.js';
import { runCheck } from '../../asterisk-config/scripts/run-check.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { SHIPPED, SHIPPED_ENV, copyOfShipped, edit, stubSounds } from './support.js';

const sounds = stubSounds();

async function sessionFindings(dir: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const findings: Finding[] = runCheck(dir, sounds, await readServerFacts({ ...SHIPPED_ENV, ...env }, { demo: true }));
  return findings.filter((f) => f.code === 'http-sessionlimit').map((f) => `${f.level} ${f.message}${f.at ? ` [${f.at}]` : ''}`);
}

function withLimit(line: string): string {
  const dir = copyOfShipped();
  edit(dir, 'http.conf', /^sessionlimit = 100$/m, line);
  return dir;
}

describe('sessionlimit against the CTI server\'s ARI connections', () => {
  it('the shipped sessionlimit (100) holds the default 32 connections, the event socket and the example browser phone', async () => {
    expect(await sessionFindings(SHIPPED)).toEqual([]);
  });

  it('a limit below connections + event socket + browser phones is an error naming the sum and the settings', async () => {
    const dir = withLimit('sessionlimit = 30');
    expect(await sessionFindings(dir)).toEqual([
      `error http.conf: sessionlimit = 30, but the CTI server needs 32 ARI connections (CTI_ARI_CONNECTIONS) + 1 event socket + 1 browser softphone(s) (webrtc = yes in pjsip.conf) = 34 HTTP sessions. Asterisk closes every connection beyond the limit without an answer, and a caller whose request is lost waits unanswered: raise sessionlimit to at least 39 or lower CTI_ARI_CONNECTIONS [http.conf:${lineOf(dir)}]`,
    ]);
    expect(await sessionFindings(dir, { CTI_ARI_CONNECTIONS: '8' })).toEqual([]);
  });

  it('CTI_ARI_CONNECTIONS too large for the limit is refused; check-config exits 1', async () => {
    expect((await sessionFindings(SHIPPED, { CTI_ARI_CONNECTIONS: '99' }))[0]).toMatch(/^error http\.conf: sessionlimit = 100, but the CTI server needs 99 ARI connections .* = 101 HTTP sessions/);
    const out: string[] = [];
    expect(await main(['--asterisk-config', SHIPPED, '--sounds', sounds, '--demo'], { ...SHIPPED_ENV, CTI_ARI_CONNECTIONS: '99' }, (l) => out.push(l))).toBe(1);
    expect(out.some((l) => l.startsWith('ERROR   http-sessionlimit: '))).toBe(true);
  });

  it('a limit that fits with fewer than 5 sessions to spare is a warning', async () => {
    expect(await sessionFindings(SHIPPED, { CTI_ARI_CONNECTIONS: '95' })).toEqual([
      expect.stringMatching(/^warning http\.conf: sessionlimit = 100 leaves 3 session\(s\) beside the CTI server's 95 ARI connections .* = 97: .* raise it to at least 102/),
    ]);
  });

  it('without sessionlimit Asterisk\'s default 100 is checked; an invalid one is reported and the default used', async () => {
    const absent = withLimit('');
    expect((await sessionFindings(absent, { CTI_ARI_CONNECTIONS: '120' }))[0]).toMatch(/^error http\.conf: no sessionlimit \(Asterisk's default 100\), but the CTI server needs 120 ARI/);
    const invalid = withLimit('sessionlimit = many');
    expect(await sessionFindings(invalid)).toEqual([`warning http.conf: sessionlimit = many is not a whole number of 1 or more; Asterisk uses 100 [http.conf:${lineOf(invalid)}]`]);
  });

  it('a bad CTI_ARI_CONNECTIONS stops the check with the setting named', async () => {
    const out: string[] = [];
    expect(await main(['--asterisk-config', SHIPPED, '--sounds', sounds, '--demo'], { ...SHIPPED_ENV, CTI_ARI_CONNECTIONS: '0' }, (l) => out.push(l))).toBe(2);
    expect(out.join('\n')).toContain('/ari/connections (CTI_ARI_CONNECTIONS)');
  });
});

/** The line of `sessionlimit` in a copy's http.conf. */
function lineOf(dir: string): number {
  return readFileSync(join(dir, 'http.conf'), 'utf8').split('\n').findIndex((l) => l.startsWith('sessionlimit')) + 1;
}
