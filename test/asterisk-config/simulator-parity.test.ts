/**
 * The PBX simulator runs on the shipped asterisk-config/ by default: the same credentials, ports,
 * endpoints and DIDs that the config check reads, so a setting that works against the simulator
 * works against Asterisk and the other way round.
 */
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../config.js';
import { readAsteriskFiles } from '../../asterisk-config/scripts/asterisk-files.js';
import { findDids } from '../../asterisk-config/scripts/check-dids.js';
import { lastValue, objects } from '../../asterisk-config/scripts/conf-file.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { defaultConfigDir } from '../pbx-sim/config/load.js';
import { readAmiPort, readAmiUsers, readAriUsers, readHttpPort, readPjsipEndpoints } from '../pbx-sim/config/readers.js';
import { Dialplan, substitute } from '../pbx-sim/core/dialplan.js';
import { SHIPPED, SHIPPED_ENV } from './support.js';

const files = readAsteriskFiles(SHIPPED);
const facts = await readServerFacts(SHIPPED_ENV, { demo: true });

describe('the simulator and the shipped configuration', () => {
  it('the simulator loads asterisk-config/ unless told otherwise', () => {
    expect(realpathSync(defaultConfigDir())).toBe(realpathSync(SHIPPED));
  });

  it('has the AMI and ARI users, secrets and ports the server connects with by default', () => {
    const entriesOf = (file: typeof files.manager, user: string) => (file ? objects(file).find((o) => o.section.name === user)?.entries : undefined) ?? [];
    const secretOf = (file: typeof files.manager, user: string, key: string) => lastValue(entriesOf(file, user), key);
    expect(readAmiUsers(SHIPPED)).toEqual([
      {
        username: DEFAULTS.ami.user,
        secret: secretOf(files.manager, 'cti', 'secret'),
        eventFilters: entriesOf(files.manager, 'cti')
          .filter((e) => e.key === 'eventfilter')
          .map((e) => e.value),
      },
    ]);
    expect(readAriUsers(SHIPPED)).toEqual([{ username: DEFAULTS.ari.user, password: secretOf(files.ari, 'cti', 'password'), readOnly: false }]);
    expect(readAmiPort(SHIPPED)).toBe(DEFAULTS.ami.port);
    expect(readHttpPort(SHIPPED)).toBe(Number(new URL(DEFAULTS.ari.url).port));
  });

  it('has the same endpoints in the same contexts', () => {
    const ours = [...(files.pjsip?.endpoints.values() ?? [])].map((e) => [e.name, e.context]);
    expect(readPjsipEndpoints(SHIPPED).map((e) => [e.name, e.context])).toEqual(ours);
    expect(ours).toEqual(expect.arrayContaining([['1001', 'agents'], ['1005', 'agents'], ['trunk', 'from-pstn']]));
  });

  it('sends every DID into the server’s application with the dialled number first', () => {
    const dids = findDids(files, facts, []);
    expect(dids.map((d) => d.number)).toEqual(['12345', '12315', '12333', '12366']);
    const plan = Dialplan.fromDir(SHIPPED);
    for (const did of dids) {
      const step = plan.find(did.context, did.number ?? '', 1);
      const data = substitute(step?.data ?? '', (name) => plan.globals.get(name) ?? (name === 'EXTEN' ? (did.number ?? '') : ''));
      expect([step?.app, data], did.number).toEqual(['Stasis', `${DEFAULTS.ari.app},${did.number}`]);
    }
  });
});
