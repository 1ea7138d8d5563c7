/** Identifier and time formats Asterisk uses on the wire. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** `2026-11-22T01:56:43.808+0000`: ISO time with milliseconds and Asterisk's `+0000` zone. */
export function asteriskTime(date: Date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

export function uuid(): string {
  return randomUUID();
}

/** A PJSIP Call-ID like a SIP phone's (`e30c96944a56d70e`). */
export function sipCallId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The entity id (ARI `asterisk_id`) of a node that names none: Asterisk takes a MAC address; the
 * simulator keeps the recordings' `02:fc:00:00:00:01` for a node without a system name and derives
 * a distinct locally administered address from the system name otherwise.
 */
export function defaultEntityId(systemName: string): string {
  if (systemName === '') return '02:fc:00:00:00:01';
  const bytes = createHash('sha256').update(systemName).digest().subarray(0, 4);
  return ['02', 'fc', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** 8-digit lower-case hex, as in `PJSIP/1001-0000000a`. */
export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * Channel uniqueids are `<epoch seconds>.<n>` with one process-wide counter, channel name suffixes
 * one counter per technology (both start at 0 when Asterisk starts). With asterisk.conf's
 * `systemname` set, Asterisk puts it in front: `<systemname>-<epoch seconds>.<n>` (main/channel.c),
 * which keeps the ids of several Asterisk nodes apart.
 */
export class IdAllocator {
  private uniqueCounter = 0;
  private readonly techCounters = new Map<string, number>();
  private readonly used = new Set<string>();
  private readonly prefix: string;

  constructor(systemName = '') {
    this.prefix = systemName === '' ? '' : `${systemName}-`;
  }

  nextUniqueId(): string {
    let id: string;
    do {
      id = `${this.prefix}${Math.floor(Date.now() / 1000)}.${this.uniqueCounter++}`;
    } while (this.used.has(id));
    return id;
  }

  nextNameSuffix(tech: string): string {
    const n = this.techCounters.get(tech) ?? 0;
    this.techCounters.set(tech, n + 1);
    return hex8(n);
  }

  reserve(id: string): void {
    this.used.add(id);
  }

  release(id: string): void {
    this.used.delete(id);
  }

  reset(): void {
    this.uniqueCounter = 0;
    this.techCounters.clear();
    this.used.clear();
  }
}
