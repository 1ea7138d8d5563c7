/**
 * Channel variables, built-in variables and the few dialplan functions the simulator needs
 * (`CALLERID()`, `CONNECTEDLINE()`, `CHANNEL()`), for `${...}` substitution, ARI and AMI.
 */
import { readDbFunction, type AstDb } from './astdb.js';
import type { Channel } from './channel.js';
import { CHANNEL_STATES } from './events.js';
import type { PartyId } from './events.js';

export interface VariableScope {
  globals: ReadonlyMap<string, string>;
  systemName: string;
  entityId: string;
  /** AstDB, for `DB()`, `DB_EXISTS()`, `DB_KEYS()`, `DB_DELETE()` (none without it). */
  astdb?: AstDb;
}

function partyField(party: PartyId, field: string): string | undefined {
  switch (field.toLowerCase()) {
    case 'num':
    case 'number':
      return party.number;
    case 'name':
      return party.name;
    case 'all':
      return party.name ? `"${party.name}" <${party.number}>` : party.number;
    default:
      return undefined;
  }
}

/** Value of a `FUNC(args)` read, or undefined if the function or field is unknown. */
export function readFunction(ch: Channel, expr: string): string | undefined {
  const m = /^([A-Z_]+)\((.*)\)$/i.exec(expr.trim());
  if (!m) return undefined;
  const func = (m[1] ?? '').toUpperCase();
  const args = (m[2] ?? '').split(',').map((a) => a.trim());
  switch (func) {
    case 'CALLERID':
      return partyField(ch.caller, args[0] ?? '');
    case 'CONNECTEDLINE':
      return partyField(ch.connected, args[0] ?? '');
    case 'CHANNEL': {
      const item = (args[0] ?? '').toLowerCase();
      if (item === 'pjsip') {
        if (ch.tech !== 'PJSIP') return undefined;
        const what = (args[1] ?? '').toLowerCase();
        if (what === 'remote_addr') return ch.endpoint?.remoteAddress ?? '';
        if (what === 'local_addr') return '127.0.0.1:5060';
        if (what === 'call-id') return ch.protocolId;
        if (what === 'secure') return '0';
        return '';
      }
      switch (item) {
        case 'name':
          return ch.name;
        case 'uniqueid':
          return ch.id;
        case 'linkedid':
          return ch.linkedId;
        case 'state':
          return ch.state;
        case 'language':
          return ch.language;
        case 'accountcode':
          return ch.accountCode;
        case 'channeltype':
          return ch.tech;
        case 'context':
          return ch.context;
        case 'exten':
          return ch.exten;
        case 'callid':
          return ch.protocolId;
        case 'endpoint':
          return ch.endpoint?.resource ?? '';
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** Variable or built-in (`EXTEN`, `CHANNEL`, …) value; undefined when not set. */
export function readVariable(ch: Channel | undefined, name: string, scope: VariableScope): string | undefined {
  if (name.endsWith(')')) {
    const db = scope.astdb ? readDbFunction(scope.astdb, name) : undefined;
    if (db !== undefined) return db;
    return ch ? readFunction(ch, name) : undefined;
  }
  if (ch) {
    const own = ch.vars.get(name);
    if (own !== undefined) return own;
    switch (name) {
      case 'EXTEN':
        return ch.exten;
      case 'CONTEXT':
        return ch.context;
      case 'PRIORITY':
        return String(ch.priority);
      case 'CHANNEL':
        return ch.name;
      case 'UNIQUEID':
        return ch.id;
      case 'HANGUPCAUSE':
        return String(ch.hangupCause);
      case 'CALLERIDNUM':
        return ch.caller.number;
      case 'CALLERIDNAME':
        return ch.caller.name;
      case 'CHANNELSTATE':
        return String(CHANNEL_STATES[ch.state]);
      case 'LANGUAGE':
        return ch.language;
      default:
        break;
    }
  }
  if (name === 'EPOCH') return String(Math.floor(Date.now() / 1000));
  if (name === 'SYSTEMNAME') return scope.systemName;
  if (name === 'ENTITYID') return scope.entityId;
  // The directory built-ins of pbx_variables.c (default install prefix).
  if (name === 'ASTSPOOLDIR') return '/var/spool/asterisk';
  if (name === 'ASTVARLIBDIR') return '/var/lib/asterisk';
  return scope.globals.get(name);
}

/** Parse `"Name" <number>`, `Name <number>`, `<number>` or `number`. */
export function parseCallerId(text: string): PartyId {
  const trimmed = text.trim();
  const m = /^(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(trimmed);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), number: (m[3] ?? '').trim() };
  if (/^[+\d*#\s-]*$/.test(trimmed)) return { name: '', number: trimmed.replace(/[\s-]/g, '') };
  return { name: trimmed, number: '' };
}
