/** `#include` / `#tryinclude` in configuration files, resolved the way Asterisk's main/config.c does. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialplan } from '../core/dialplan.js';
import { ConfIncludeError, readConfFile } from './conf-parser.js';
import { readAsteriskOptions, readPjsipEndpoints } from './readers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-conf-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('#include and #tryinclude', () => {
  it('reads included files relative to the configuration directory, not to the including file', () => {
    const dir = configDir({
      'pjsip.conf': '[1001]\ntype = endpoint\ncontext = agents\n#include "sub/more.conf"\n#tryinclude pjsip_internode.conf\n',
      // Relative to the directory: sub/more.conf names `sub/last.conf`, not `sub/sub/last.conf`.
      'sub/more.conf': '[1002]\ntype = endpoint\ncontext = agents\n#include <sub/last.conf>\n',
      'sub/last.conf': '[1003]\ntype = endpoint\ncontext = agents\n',
      'pjsip_internode.conf': '[internode-b]\ntype = endpoint\ncontext = from-internode\n[internode-b]\ntype = aor\ncontact = sip:127.0.0.1:5062\n',
    });
    expect(readPjsipEndpoints(dir).map((e) => [e.name, e.context, e.staticContact])).toEqual([
      ['1001', 'agents', undefined],
      ['1002', 'agents', undefined],
      ['1003', 'agents', undefined],
      ['internode-b', 'from-internode', 'sip:127.0.0.1:5062'],
    ]);
  });

  it('a missing #tryinclude is nothing; a missing #include refuses the file', () => {
    const dir = configDir({
      'pjsip.conf': '#tryinclude pjsip_internode.conf\n[1001]\ntype = endpoint\n',
      'manager.conf': '[general]\n#include "missing.conf"\n',
    });
    expect(readPjsipEndpoints(dir).map((e) => e.name)).toEqual(['1001']);
    expect(() => readConfFile(dir, 'manager.conf')).toThrow(ConfIncludeError);
    expect(() => readConfFile(dir, 'manager.conf')).toThrow(/missing\.conf/);
  });

  it('an included file continues the current section, and the including file its own afterwards', () => {
    const dir = configDir({
      'extensions.conf': '[a]\nexten => 1,1,NoOp(a)\n#include extra.conf\n same => n,Hangup()\n',
      'extra.conf': 'exten => 2,1,NoOp(still a)\n[b]\nexten => 3,1,NoOp(b)\n',
    });
    const sections = readConfFile(dir, 'extensions.conf');
    expect(sections.map((s) => [s.name, s.entries.map((e) => e.value)])).toEqual([
      ['a', ['1,1,NoOp(a)', '2,1,NoOp(still a)', 'n,Hangup()']],
      ['b', ['3,1,NoOp(b)']],
    ]);
  });

  it('globs in the file name, in name order; the dialplan reads its includes', () => {
    const dir = configDir({
      'extensions.conf': '[from-internode]\n#include "dialplan.d/*.conf"\n',
      'dialplan.d/20-b.conf': '[b]\nexten => 2,1,Hangup()\n',
      'dialplan.d/10-a.conf': 'exten => _X.,1,Dial(PJSIP/${EXTEN},30)\n same => n,Hangup()\n',
    });
    const plan = Dialplan.fromDir(dir);
    expect(plan.exists('from-internode', '1002')).toBe(true);
    expect(plan.exists('b', '2')).toBe(true);
  });
});

describe('asterisk.conf', () => {
  it('reads systemname and entityid from [options]', () => {
    expect(readAsteriskOptions(configDir({ 'asterisk.conf': '[options]\nsystemname = a\nentityid = 02:fc:00:00:00:0a\n' }))).toEqual({
      systemName: 'a',
      entityId: '02:fc:00:00:00:0a',
    });
    expect(readAsteriskOptions('/nonexistent')).toEqual({});
  });
});
