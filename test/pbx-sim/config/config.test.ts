/** The .conf reader against the product's reference configuration and the lab's. */
import { describe, expect, it } from 'vitest';
import { parseConf } from './conf-parser.js';
import { defaultConfigDir } from './load.js';
import { readAmiPort, readAmiUsers, readAriUsers, readHttpPort, readPjsipEndpoints, readQueues } from './readers.js';

const LAB = '/work/shared/asterisk/lab-conf';

describe('conf parser', () => {
  it('reads sections, templates, both assignment forms and comments', () => {
    const sections = parseConf(
      ['[tpl](!)', 'type = endpoint ; comment', '[1001](tpl)', 'context=agents', 'exten => 1,1,NoOp(a\\;b)', '', '; [not-a-section]'].join('\n'),
    );
    expect(sections.map((s) => [s.name, s.isTemplate, s.templates])).toEqual([
      ['tpl', true, []],
      ['1001', false, ['tpl']],
    ]);
    expect(sections[1]?.entries).toEqual([
      { key: 'context', value: 'agents', arrow: false, line: 4 },
      { key: 'exten', value: '1,1,NoOp(a;b)', arrow: true, line: 5 },
    ]);
  });
});

describe('readers', () => {
  it('reads the reference configuration (asterisk-config/)', () => {
    const dir = defaultConfigDir();
    expect(readAmiUsers(dir)).toEqual([
      { username: 'cti', secret: 'cti-secret', eventFilters: ['Event: ContactStatus', 'Event: DeviceStateChange', 'Event: Hangup', '!Event: Hangup[A-Z]'] },
    ]);
    expect(readAriUsers(dir)).toEqual([{ username: 'cti', password: 'cti-secret', readOnly: false }]);
    expect(readHttpPort(dir)).toBe(8088);
    expect(readAmiPort(dir)).toBe(5038);
    const endpoints = readPjsipEndpoints(dir);
    // Other engineers add phones to the reference configuration; these are there from the start.
    expect(endpoints.map((e) => [e.name, e.context])).toEqual(
      expect.arrayContaining([
        ['1001', 'agents'],
        ['1002', 'agents'],
        ['trunk', 'from-pstn'],
      ]),
    );
    expect(endpoints.find((e) => e.name === 'agent-phone')).toBeUndefined();
    expect(endpoints.find((e) => e.name === 'trunk')?.staticContact).toBe('sip:carrier.invalid:5060');
    expect(endpoints.find((e) => e.name === '1001')?.qualifyFrequency).toBe(30);
  });

  it('reads the lab configuration the recordings were made with', () => {
    expect(readPjsipEndpoints(LAB).map((e) => e.name)).toEqual(['1001', '1002']);
    expect(readQueues(LAB)).toEqual([
      {
        name: 'support',
        strategy: 'ringall',
        timeout: 15,
        retry: 2,
        members: [
          { interface: 'Local/1001@agents/n', penalty: 0, memberName: 'Agent 1001' },
          { interface: 'Local/1002@agents/n', penalty: 0, memberName: 'Agent 1002' },
        ],
        musicClass: 'default',
        ringInUse: false,
        setInterfaceVar: false,
        setQueueEntryVar: false,
      },
    ]);
  });

  it('returns nothing for a directory without configuration', () => {
    expect(readAmiUsers('/nonexistent')).toEqual([]);
    expect(readHttpPort('/nonexistent')).toBeUndefined();
  });
});
