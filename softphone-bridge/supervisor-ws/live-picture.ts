/**
 * The wallboard's live picture, built once per tick for every supervisor: queues, agents, calls,
 * today's figures and the recent alerts. Also raises the long-wait alert and keeps each hour's peak
 * of waiting callers (a figure the call rows cannot give afterwards).
 */
import type { CallHandling } from '../../cti/call-handling.js';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { maskNumber } from '../../cti/logging.js';
import { findTicketByCallKey, listAgentStatesForWindow, listCallFactsBetween, listOffersOfCalls, listSkills, shanghaiDay, shanghaiDayBounds, shanghaiHour, type Db } from '../../store/index.js';
import { kpiTargets, levelOf } from '../reports/kpi-targets.js';
import { dayFigures, hourlyFigures } from './day-figures.js';

/** A caller waiting longer than this raises an alert (GB/T 33358 asks for answer within 15 s). */
const LONG_WAIT_MS = 60_000;
const ALERTS_KEPT = 20;

/**
 * An alert as the wallboard shows it: the domain event, plus who and what it is about — the agent by
 * name and login, the ticket, the caller (masked) — so that nobody has to look them up.
 */
export type Alert = Omit<Extract<DomainEvent, { type: 'alert' }>, 'type'> & {
  agentName?: string;
  agentLogin?: string;
  callerNumber?: string;
};

export class LivePicture {
  private readonly alerts: Alert[] = [];
  private readonly peakWaiting = new Map<number, number>();
  /**
   * Callers alerted as a long wait, with the start of the wait alerted about: one alert per wait,
   * however long it lasts (across midnight too). A caller out of line (answered, gone) is forgotten,
   * so a later wait — sent back to a queue — is alerted afresh.
   */
  private readonly alertedLongWait = new Map<string, number>();
  private day = '';
  private readonly unsubscribe: () => void;
  /** Alerts still being named (their call's ticket read): later alerts are listed after them. */
  private naming: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly calls: CallHandling,
    onAlert: (alert: Alert) => void,
  ) {
    this.unsubscribe = calls.bus.subscribe((event) => {
      if (event.type !== 'alert') return;
      const { type: _type, ...raised } = event;
      const alert = this.named(raised);
      // An alert about a call that has ended waits for its ticket to be read; the alerts after it wait
      // for it, so they are still listed in the order they were raised.
      if (!this.naming && !(alert instanceof Promise)) {
        this.keep(alert, onAlert);
        return;
      }
      // Failing while an earlier alert is still being named is not an unhandled rejection: the chain reports it.
      if (alert instanceof Promise) alert.catch(() => undefined);
      const step: Promise<void> = (this.naming ?? Promise.resolve())
        .then(async () => this.keep(await alert, onAlert))
        .catch((error: unknown) => calls.context.log.error({ err: error }, 'alert could not be listed'))
        .finally(() => {
          if (this.naming === step) this.naming = null;
        });
      this.naming = step;
    });
  }

  private keep(alert: Alert, onAlert: (alert: Alert) => void): void {
    // A surge's later alerts update its one entry.
    const earlier = alert.surgeId ? this.alerts.findIndex((a) => a.surgeId === alert.surgeId) : -1;
    if (earlier >= 0) this.alerts.splice(earlier, 1);
    this.alerts.unshift(alert);
    this.alerts.length = Math.min(this.alerts.length, ALERTS_KEPT);
    onAlert(alert);
  }

  private named(alert: Alert): Alert | Promise<Alert> {
    const named: Alert = { ...alert };
    const agent = alert.agentId === undefined ? undefined : this.calls.agents.get(alert.agentId);
    if (agent) {
      named.agentName = agent.name;
      named.agentLogin = agent.login;
    }
    if (!alert.callId) return named;
    const callId = alert.callId;
    const fill = (caller: string | undefined, ticketNumber: string | undefined): Alert => {
      if (caller) named.callerNumber = maskNumber(caller);
      named.ticketNumber ??= ticketNumber;
      return named;
    };
    const live = this.calls.call(callId)?.summary;
    if (live) return fill(live.callerNumber, live.ticketNumber);
    return findTicketByCallKey(this.db, callId).then((ticket) => fill(ticket?.callerNumber, ticket?.number));
  }

  /** Samples the queue and raises long-wait alerts; call it on every tick. */
  observe(now: Date): void {
    const bounds = shanghaiDayBounds(shanghaiDay(now));
    if (bounds.from !== this.day) {
      this.day = bounds.from;
      this.peakWaiting.clear();
    }
    const hour = shanghaiHour(now);
    this.peakWaiting.set(hour, Math.max(this.peakWaiting.get(hour) ?? 0, this.calls.queue.size()));
    for (const [callId, since] of this.alertedLongWait) {
      if (this.calls.queue.queuedAt(callId) !== since) this.alertedLongWait.delete(callId);
    }
    for (const call of this.calls.calls()) {
      const queuedAt = this.calls.queue.queuedAt(call.callId);
      if (queuedAt === undefined || now.getTime() - queuedAt < LONG_WAIT_MS || this.alertedLongWait.has(call.callId)) continue;
      this.alertedLongWait.set(call.callId, queuedAt);
      this.calls.bus.publish({
        type: 'alert',
        at: now.toISOString(),
        kind: 'long-wait',
        message: `来电人已等待超过 ${LONG_WAIT_MS / 1000} 秒: ${call.summary.hotline}`,
        callId: call.callId,
      });
    }
  }

  async snapshot(now: Date): Promise<object> {
    const nowMs = now.getTime();
    const skills = (await listSkills(this.db)).map((skill) => {
      const waiting = this.calls.queue.waitingForSkill(skill.id);
      const oldest = waiting.map((m) => this.calls.queue.queuedAt(m.callId) ?? nowMs).reduce((a, b) => Math.min(a, b), nowMs);
      return { code: skill.code, name: skill.name, waiting: waiting.length, longestWaitSeconds: Math.round((nowMs - oldest) / 1000) };
    });
    const agents = this.calls.agents.list().map((a) => ({
      agentId: a.agentId,
      login: a.login,
      name: a.name,
      endpoint: a.endpoint,
      state: a.state,
      reason: a.reason,
      stateSeconds: Math.round((nowMs - a.since) / 1000),
      callId: a.callId,
    }));
    // A call over (its caller perhaps still answering the post-call survey) is no longer in progress.
    const calls = this.calls.calls().filter((c) => !c.hasEnded).map((c) => ({
      callId: c.callId,
      callerNumber: maskNumber(c.summary.callerNumber),
      hotline: c.summary.hotline,
      mode: c.summary.mode,
      state: c.state,
      agentId: c.agentId,
      seconds: Math.round((nowMs - c.arrivedAtMs) / 1000),
      ticketNumber: c.summary.ticketNumber,
    }));
    const { from, to } = shanghaiDayBounds(shanghaiDay(now));
    const rows = await listCallFactsBetween(this.db, from, to);
    const offers = await listOffersOfCalls(
      this.db,
      rows.map((r) => r.linkedId),
    );
    // The day's state history: 平均通话 sums each call's conversations, as the KPI report's does.
    const today = dayFigures(rows, now, offers, await listAgentStatesForWindow(this.db, from, to));
    const targets = await kpiTargets(this.db);
    return {
      type: 'snapshot',
      at: now.toISOString(),
      // Each Asterisk node's links and calls: a node down shows on the wall at once.
      nodes: this.calls.nodes(),
      skills,
      agents,
      calls,
      today,
      targets,
      levels: {
        // No call yet today: no rate to judge.
        answerRate: levelOf(today.offered ? today.answerRate : null, targets.answerRate, targets.amberBand),
        answeredWithin15sRate: levelOf(today.offered ? today.answeredWithin15sRate : null, targets.answeredWithin15sRate, targets.amberBand),
      },
      series: hourlyFigures(rows, this.peakWaiting, now, offers),
      alerts: this.alerts,
    };
  }

  close(): void {
    this.unsubscribe();
  }
}
