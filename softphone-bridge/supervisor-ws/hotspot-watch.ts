/**
 * 热点预警 on the live picture: every `CHECK_MS` of the server's clock, the registered tickets of the
 * last window are read afresh and judged by the surge detector (routing/hotspots/) against the same
 * hours of past weeks; a surge raises one `hotspot` alert, which the same surge's later checks update
 * (more tickets, ended) instead of raising again.
 *
 * Surges live in memory: after a restart an ongoing surge is found again at the first check and
 * alerted once more.
 */
import type { DomainEventBus } from '../../cti/events/domain-events.js';
import { DEFAULT_SURGE_RULES, SurgeDetector, type Surge, type SurgeRules } from '../../routing/hotspots/surge-detector.js';
import { keysOfTicket } from '../../routing/hotspots/ticket-keys.js';
import { countTicketsUnderKey, registeredTicketsBetween, type Db } from '../../store/index.js';

export const HOTSPOT_CHECK_MS = 30_000;

export class HotspotWatch {
  private readonly detector: SurgeDetector;
  private readonly labels = new Map<string, string>();
  private readonly numbers = new Map<number, string>();
  private lastCheck = -Infinity;
  /** A check reads the store: the next one waits until it is done (the detector judges one window at a time). */
  private checking = false;

  constructor(
    private readonly db: Db,
    private readonly bus: DomainEventBus,
    private readonly rules: SurgeRules = DEFAULT_SURGE_RULES,
  ) {
    this.detector = new SurgeDetector((key, from, to) => countTicketsUnderKey(db, key, new Date(from).toISOString(), new Date(to).toISOString()), rules);
  }

  /** Runs a check when one is due (and none is running); call it on every tick. */
  async observe(now: Date): Promise<void> {
    const at = now.getTime();
    if (this.checking || at - this.lastCheck < HOTSPOT_CHECK_MS) return;
    this.lastCheck = at;
    this.checking = true;
    try {
      await this.check(now, at);
    } finally {
      this.checking = false;
    }
  }

  private async check(now: Date, at: number): Promise<void> {
    const window = await registeredTicketsBetween(this.db, new Date(at - this.rules.windowMs).toISOString(), now.toISOString());
    this.detector.replaceWindow(
      window.map((ticket) => {
        this.numbers.set(ticket.id, ticket.number);
        const keys = keysOfTicket(ticket);
        for (const { key, label } of keys) this.labels.set(key, label);
        return { ticketId: ticket.id, at: Date.parse(ticket.createdAt), keys: keys.map((k) => k.key) };
      }),
    );
    for (const change of await this.detector.check(at)) {
      this.bus.publish({
        type: 'alert',
        at: now.toISOString(),
        kind: 'hotspot',
        message: this.describe(change.surge, change.kind === 'ended'),
        surgeId: `${change.surge.startedAt}-${change.surge.id}`,
        ticketNumbers: change.surge.ticketIds.map((id) => this.numbers.get(id) ?? String(id)),
      });
    }
  }

  /** e.g. "沙河街道、城乡建设 > 供水：60 分钟 23 件（往常约 2 件）". */
  private describe(surge: Surge, ended: boolean): string {
    const minutes = Math.round(this.rules.windowMs / 60_000);
    const labels = surge.keys.map((k) => this.labels.get(k.key) ?? k.key);
    // A classification and its own sub-classification surging together: name the narrower one.
    const what = labels.filter((label) => !labels.some((other) => other !== label && other.startsWith(`${label} > `))).join('、');
    const strongest = surge.keys.reduce((a, b) => (b.observed / b.usual > a.observed / a.usual ? b : a));
    const figures = `${minutes} 分钟 ${strongest.observed} 件（往常约 ${Math.max(1, Math.round(strongest.usual))} 件）`;
    return ended ? `${what}：来电已回落，共 ${surge.ticketIds.length} 件` : `${what}：${figures}`;
  }
}
