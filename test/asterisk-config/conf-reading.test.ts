/** The .conf reader, the dialplan model and the WAV header reader of the asterisk-config tools. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objects, readConf } from '../../asterisk-config/scripts/conf-file.js';
import { extensionMatches, parseDialplan, splitArgs, withIncludes } from '../../asterisk-config/scripts/dialplan.js';
import { dialEndpoint, readPjsip } from '../../asterisk-config/scripts/pjsip.js';
import { asteriskWavProblem, readWavInfo } from '../../asterisk-config/scripts/wav.js';
import { tempDir, wavBytes } from './support.js';

function conf(files: Record<string, string>): string {
  const dir = tempDir('conf');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('conf files', () => {
  it('reads templates, additions, both assignment forms, comments and includes', () => {
    const dir = conf({
      'pjsip.conf': [
        '[tpl](!) ; a template',
        'type = endpoint',
        'context = agents',
        ';-- a block',
        'context = nowhere',
        '--;',
        '[1001](tpl)',
        'callerid = "A\\;B" <1001>',
        '#include pjsip_extra.conf',
        '#include missing.conf',
      ].join('\n'),
      'pjsip_extra.conf': '[1001](+)\nallow => alaw\n',
    });
    const file = readConf(dir, 'pjsip.conf');
    expect(file?.notes).toEqual(['pjsip.conf:10: #include missing.conf not found']);
    const [endpoint] = file ? objects(file) : [];
    expect(endpoint?.section.name).toBe('1001');
    expect(endpoint?.entries.map((e) => [e.key, e.value])).toEqual([
      ['type', 'endpoint'],
      ['context', 'agents'],
      ['callerid', '"A;B" <1001>'],
      ['allow', 'alaw'],
    ]);
    expect(readConf(dir, 'nothing.conf')).toBeUndefined();
  });

  it('finds trunks by identify, registration or static contact, and endpoints in dial strings', () => {
    const dir = conf({
      'pjsip.conf': [
        '[ip]', 'type = endpoint', 'context = from-a', '[ip-id]', 'type = identify', 'endpoint = ip', 'match = 192.0.2.1',
        '[reg]', 'type = endpoint', 'context = from-b', '[reg-r]', 'type = registration', 'endpoint = reg',
        '[fixed]', 'type = endpoint', 'context = from-c', 'aors = fixed', '[fixed]', 'type = aor', 'contact = sip:x.invalid',
        '[phone]', 'type = endpoint', 'context = agents', 'aors = phone', '[phone]', 'type = aor', 'max_contacts = 1',
      ].join('\n'),
    });
    const file = readConf(dir, 'pjsip.conf');
    expect(file && readPjsip(file).trunks.map((t) => `${t.name}>${t.context}`).sort()).toEqual(['fixed>from-c', 'ip>from-a', 'reg>from-b']);
    expect(['PJSIP/1001', 'PJSIP/12366@trunk', 'pjsip/110@trunk', 'Local/1@agents'].map(dialEndpoint)).toEqual(['1001', 'trunk', 'trunk', undefined]);
  });
});

describe('dialplan', () => {
  it('parses extensions, same lines, labels, hints, includes and globals', () => {
    const dir = conf({
      'extensions.conf': [
        '[globals]', 'APP = hotline12345',
        '[in]', 'exten => 12345/13800138000,1,NoOp()', ' same => n(go),Stasis(${APP},${EXTEN})', 'exten => 12345,hint,PJSIP/1001',
        'include => more,09:00-17:00,mon-fri,*,*',
        '[more]', 'exten => _123XX,1,Stasis(${APP},${EXTEN})',
      ].join('\n'),
    });
    const file = readConf(dir, 'extensions.conf');
    const plan = file ? parseDialplan(file) : undefined;
    expect(plan?.globals.get('APP')).toBe('hotline12345');
    const contexts = plan ? withIncludes(plan, 'in') : [];
    expect(contexts.map((c) => c.name)).toEqual(['in', 'more']);
    expect(contexts[0]?.extensions).toEqual([
      {
        name: '12345',
        at: 'extensions.conf:4',
        steps: [
          { app: 'NoOp', args: [''], at: 'extensions.conf:4' },
          { app: 'Stasis', args: ['${APP}', '${EXTEN}'], at: 'extensions.conf:5' },
        ],
      },
    ]);
  });

  it('splits arguments like Asterisk and matches patterns like Asterisk', () => {
    expect(splitArgs('${IF($[${A}=1]?x:y)},"a,b",c\\,d,(e,f)')).toEqual(['${IF($[${A}=1]?x:y)}', '"a,b"', 'c\\,d', '(e,f)']);
    const cases: [string, string, boolean][] = [
      ['_1XXX', '1001', true],
      ['_1XXX', '10011', false],
      ['_1[3-9]XXXXXXXXX', '13800138000', true],
      ['_1[3-9]XXXXXXXXX', '12800138000', false],
      ['_0[1-9]XXXXXXX.', '02388880000', true],
      ['_0[1-9]XXXXXXX.', '0023888800', false],
      ['_NXX', '123', false],
      ['_Z!', '1', true],
      ['_ZX!', '1', false],
      ['_12-XXX', '12366', true],
      ['12345', '12345', true],
      ['_[A-Z].', 'ANSWER', true],
    ];
    for (const [pattern, number, expected] of cases) expect(extensionMatches(pattern, number), `${pattern} ${number}`).toBe(expected);
  });
});

describe('WAV headers', () => {
  it('reads what Asterisk checks and says what is wrong', () => {
    const info = readWavInfo(wavBytes());
    expect(info).toEqual({ format: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, dataBytes: 1600 });
    expect(typeof info !== 'string' && asteriskWavProblem(info)).toBeUndefined();
    const wrong = readWavInfo(wavBytes({ rate: 16000, channels: 2, bits: 8, format: 3, samples: 0 }));
    expect(typeof wrong !== 'string' && asteriskWavProblem(wrong)).toBe('encoding 3 instead of PCM (1), 2 channels instead of mono, 16000 Hz instead of 8000 Hz, 8-bit instead of 16-bit, no audio');
    expect(readWavInfo(Buffer.from('ID3 not a wav'))).toBe('not a RIFF/WAVE file');
  });
});
