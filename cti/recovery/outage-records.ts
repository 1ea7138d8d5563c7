/**
 * The records the dialplan's survival path leaves in AstDB (asterisk-config/extensions.conf,
 * [hotline-outage] and [outage-hangup]): one key per call, `cti-outage/<uniqueid>`, whose value is
 * `v=1&caller=…&dialled=…&start=<epoch>`, completed at hang-up with `&queued=…&member=…&holdtime=…
 * &queuestatus=…&abandoned=…&recording=…&end=<epoch>&done=1`.
 *
 * Read and removed over AMI, because a real Asterisk lets nothing else do it without
 * `live_dangerously`: func_db's `DB()` read (and `DB_DELETE()` read) are "escalating" functions,
 * refused to any AMI or ARI session, and ARI's `GET /asterisk/variable` reads no functions at all.
 * So: `Getvar DB_KEYS(cti-outage)` (not escalating) lists the keys, the `DBGet` action (privilege
 * `reporting`) reads a value, `Setvar DB_DELETE(cti-outage/<key>)=` (a write, not escalating)
 * deletes one. The AMI user needs nothing beyond `read = system,call`, `write = call,originate,reporting`.
 */
import type { AmiConnection } from '../ami/ami-connection.js';
import { AmiError } from '../ami/ami-types.js';
import { withoutForbiddenChars } from '../forbidden-chars.js';

export const OUTAGE_FAMILY = 'cti-outage';

export interface OutageRecord {
  /** The caller channel's uniqueid: the call's key (the call row's linked id, the ticket's call key). */
  key: string;
  caller: string;
  dialled: string;
  /** Epoch seconds (Asterisk's clock). */
  start: number;
  queued: number | null;
  /** The queue member that answered (`PJSIP/1001`), or null. */
  member: string | null;
  holdSeconds: number | null;
  queueStatus: string | null;
  abandoned: boolean;
  recording: string | null;
  end: number | null;
  /** The hangup handler completed the record (the call is over). */
  done: boolean;
}

const KEY_PATTERN = /^[0-9A-Za-z._-]{1,64}$/;

/** The last second a date can hold in ISO form (9999-12-31T23:59:59Z). */
const MAX_EPOCH_S = 253_402_300_799;
/** The longest wait in a queue taken for real (a day); anything longer is not known. */
const MAX_HOLD_S = 86_400;

/** Epoch seconds as Asterisk writes them (`${EPOCH}`: digits), within what a date can hold; else null. */
function epoch(value: string | undefined): number | null {
  if (value === undefined || !/^[0-9]{1,12}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && n <= MAX_EPOCH_S ? n : null;
}

/** Parses a record's value; undefined when it lacks what a call row needs (caller side and start). */
export function parseOutageRecord(key: string, value: string): OutageRecord | undefined {
  if (!KEY_PATTERN.test(key)) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1).trim());
  }
  const start = epoch(fields.get('start'));
  // The numbers came from the trunk (see party() in ari-events.ts): control and direction characters dropped.
  const dialled = withoutForbiddenChars(fields.get('dialled') ?? '');
  if (start === null || dialled === '') return undefined;
  const text = (name: string): string | null => {
    const v = fields.get(name);
    return v === undefined || v === '' ? null : v;
  };
  const hold = Number(fields.get('holdtime') ?? '');
  return {
    key,
    caller: withoutForbiddenChars(fields.get('caller') ?? ''),
    dialled,
    start,
    queued: epoch(fields.get('queued')),
    member: text('member'),
    holdSeconds: fields.get('holdtime') && Number.isFinite(hold) && hold >= 0 && hold <= MAX_HOLD_S ? hold : null,
    queueStatus: text('queuestatus'),
    abandoned: fields.get('abandoned') === 'TRUE',
    recording: text('recording'),
    end: epoch(fields.get('end')),
    done: fields.get('done') === '1',
  };
}

/** AstDB's outage records, through AMI. */
export class OutageRecordStore {
  constructor(private readonly ami: AmiConnection) {}

  /** The keys of the records there now (the uniqueids). */
  async keys(): Promise<string[]> {
    const response = await this.ami.action('Getvar', { Variable: `DB_KEYS(${OUTAGE_FAMILY})` });
    const value = response.fields.value ?? '';
    return value
      .split(',')
      .map((k) => k.trim())
      .filter((k) => KEY_PATTERN.test(k));
  }

  /** A record's raw value; undefined when it is not there (any more). */
  async read(key: string): Promise<string | undefined> {
    try {
      const items = await this.ami.list('DBGet', { Family: OUTAGE_FAMILY, Key: key });
      const item = items.find((e) => e.name.toLowerCase() === 'dbgetresponse');
      return item?.fields.val;
    } catch (error) {
      if (error instanceof AmiError && error.kind === 'action') return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.ami.action('Setvar', { Variable: `DB_DELETE(${OUTAGE_FAMILY}/${key})`, Value: '' });
  }
}
