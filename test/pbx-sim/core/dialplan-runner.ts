/**
 * The dialplan loop (`__ast_pbx_run`) and the applications the simulator implements: Answer, Hangup,
 * Stasis, Wait, Dial, Playback/Background, NoOp/Verbose/Log, Set/MSet, Goto/GotoIf, Ringing,
 * Progress, Busy, Congestion, MusicOnHold, Echo, Queue (minimal), MixMonitor/StopMixMonitor, and
 * hangup handlers (core/outage-apps.ts).
 */
import { CAUSE } from './causes.js';
import type { Channel } from './channel.js';
import { splitAppArgs, substitute } from './dialplan.js';
import { mixMonitor, runHangupHandlers, stopMixMonitor, watchQueue } from './outage-apps.js';
import { mediaSeconds } from './playback.js';
import type { Pbx, QueueOptions } from './pbx.js';
import { readVariable } from './variables.js';

/** What an application tells the loop: go on, stop (hang up), or it moved the channel itself. */
type AppResult = 'continue' | 'hangup' | 'jumped';

/** How long Answer() waits for the first media frame: Local channels carry none (500 ms). */
const ANSWER_MEDIA_WAIT_LOCAL_MS = 500;
const ANSWER_MEDIA_WAIT_SIP_MS = 20;

export class DialplanRunner {
  constructor(private readonly pbx: Pbx) {}

  /** Start the dialplan on a channel at its current context/exten/priority. */
  start(ch: Channel): void {
    if (ch.inPbx || ch.destroyed) return;
    ch.inPbx = true;
    this.loop(ch).catch((err: unknown) => {
      this.pbx.log.warn(`pbx-sim: dialplan on ${ch.name} failed: ${String(err)}`);
      ch.inPbx = false;
      this.pbx.destroyChannel(ch);
    });
  }

  /** AMI Redirect / ARI continue with a location: move a channel wherever it is. */
  asyncGoto(ch: Channel, context: string, exten: string, priority: number): void {
    ch.asyncGoto = { context, exten, priority };
    if (ch.stasis) {
      ch.stasis.exit ??= { kind: 'continue' };
      ch.interrupt();
      return;
    }
    if (ch.inPbx) {
      ch.interrupt();
      return;
    }
    // A Dial() callee or an idle originated channel: it gets its own dialplan now.
    ch.owned = false;
    ch.leg = undefined;
    if (ch.bridge) this.pbx.bridging.leave(ch.bridge, ch);
    ch.interrupt();
    this.start(ch);
  }

  private async loop(ch: Channel): Promise<void> {
    const { pbx } = this;
    for (;;) {
      if (ch.destroyed) return;
      if (ch.asyncGoto) {
        ch.context = ch.asyncGoto.context;
        ch.exten = ch.asyncGoto.exten;
        ch.priority = ch.asyncGoto.priority;
        ch.asyncGoto = undefined;
      }
      if (ch.softHangup) break;
      const step = pbx.dialplan.find(ch.context, ch.exten, ch.priority);
      if (!step) {
        if (ch.priority === 1 && ch.exten !== 'i' && pbx.dialplan.exists(ch.context, 'i')) {
          pbx.setVar(ch, 'INVALID_EXTEN', ch.exten);
          ch.exten = 'i';
          continue;
        }
        pbx.log.debug?.(`pbx-sim: ${ch.name}: no ${ch.context},${ch.exten},${ch.priority}; hanging up`);
        break;
      }
      const data = substitute(step.data, (expr) => readVariable(ch, expr, pbx) ?? '');
      const saved = { app: ch.appName, data: ch.appData };
      pbx.setApp(ch, step.app, data);
      let result: AppResult;
      try {
        result = await this.exec(ch, step.app, data, true);
      } catch (err) {
        // An application failing returns -1 in Asterisk: the channel hangs up.
        pbx.log.warn(`pbx-sim: ${step.app}(${data}) failed on ${ch.name}: ${String(err)}`);
        result = 'hangup';
      }
      if (ch.destroyed) return;
      // pbx_exec puts back the previous application without publishing a snapshot.
      ch.appName = saved.app;
      ch.appData = saved.data;
      if (result === 'hangup' || ch.softHangup) break;
      if (result === 'jumped' || ch.asyncGoto) continue;
      ch.priority++;
    }
    const one = ch.localHalf === 2 ? ch.localPeer : undefined;
    if (!ch.destroyed && one?.leg?.farEndLeaving) {
      // Whoever dials the `;1` learns now that it will not be answered; a microtask lets what it
      // reports at once (an originate's OriginateResponse) out before the hangup's events.
      one.leg.farEndLeaving(ch.hangupCause || CAUSE.NORMAL);
      await Promise.resolve();
    }
    // Hangup handlers run at the end of the loop, before the channel goes (ast_pbx_hangup_handler_run).
    if (ch.hangupHandlers.length > 0 && !ch.destroyed) {
      ch.softHangup = true;
      await runHangupHandlers(pbx, ch, (c, app, d) => this.exec(c, app, d));
    }
    ch.inPbx = false;
    if (ch.destroyed) return;
    // The end of the loop soft-hangs-up the channel (cause 16 in the recordings), then hangs it up.
    pbx.emit({ type: 'channel.hangup.request', channel: ch.snapshot(), cause: 16, soft: true });
    ch.softHangup = true;
    pbx.destroyChannel(ch);
  }

  /** Sleep in an application; wakes early on hangup or a redirect. */
  private sleep(ch: Channel, ms: number | undefined): Promise<'timeout' | 'interrupted'> {
    const { pbx } = this;
    return new Promise((resolve) => {
      let cancel: () => void = () => undefined;
      const wake = (): void => {
        if (!ch.softHangup && !ch.destroyed && !ch.asyncGoto) {
          ch.addWaker(wake);
          return;
        }
        cancel();
        resolve('interrupted');
      };
      ch.addWaker(wake);
      if (ms !== undefined)
        cancel = pbx.scheduler.after(ms, () => {
          ch.removeWaker(wake);
          resolve('timeout');
        });
    });
  }

  /** Run one application. `fromDialplan`: called by the loop (Stasis was published already). */
  async exec(ch: Channel, app: string, data: string, fromDialplan = false): Promise<AppResult> {
    const { pbx } = this;
    const args = splitAppArgs(data);
    const arg = (i: number): string => (args[i] ?? '').trim();
    switch (app.toLowerCase()) {
      case 'answer': {
        if (ch.state === 'Up') return 'continue';
        pbx.answer(ch);
        const wait = ch.tech === 'Local' ? ANSWER_MEDIA_WAIT_LOCAL_MS : ANSWER_MEDIA_WAIT_SIP_MS;
        await this.sleep(ch, pbx.scheduler.scaled(wait));
        return ch.softHangup ? 'hangup' : 'continue';
      }
      case 'hangup': {
        // pbx_builtin_hangup: without a cause the channel keeps the one it has (a failed Dial's).
        const cause = Number(arg(0));
        ch.hangupCause = Number.isInteger(cause) && cause > 0 ? cause : ch.hangupCause > 0 ? ch.hangupCause : CAUSE.NORMAL;
        return 'hangup';
      }
      case 'stasis': {
        const [name = '', ...rest] = args;
        const exit = await pbx.stasis.run(ch, name.trim(), rest, fromDialplan);
        if (exit === 'hangup') return 'hangup';
        return 'continue';
      }
      case 'wait': {
        const seconds = Number(arg(0));
        const r = await this.sleep(ch, pbx.scheduler.scaled((Number.isFinite(seconds) ? seconds : 0) * 1000));
        return r === 'interrupted' && ch.softHangup ? 'hangup' : 'continue';
      }
      case 'dial': {
        const r = await pbx.dialing.dialApp(ch, data);
        return r === 'hangup' ? 'hangup' : 'continue';
      }
      case 'playback':
      case 'background': {
        const options = arg(1);
        if (ch.state !== 'Up' && !options.includes('noanswer') && app.toLowerCase() === 'playback') pbx.answer(ch);
        for (const file of arg(0).split('&').filter((f) => f !== '')) {
          const uri = `sound:${file}`;
          const known = mediaSeconds(uri, { sound: (n) => pbx.soundDurations[n], recording: () => undefined });
          const seconds = typeof known === 'number' ? known : 0;
          ch.dialplanMedia = uri;
          const r = await this.sleep(ch, pbx.scheduler.audio(seconds));
          ch.dialplanMedia = undefined;
          if (r === 'interrupted') return ch.softHangup ? 'hangup' : 'continue';
        }
        if (app.toLowerCase() === 'playback') pbx.setVar(ch, 'PLAYBACKSTATUS', 'SUCCESS');
        return 'continue';
      }
      case 'noop':
      case 'verbose':
      case 'log':
      case 'progress':
        return 'continue';
      case 'ringing':
        pbx.dialing.indicateRinging(ch);
        return 'continue';
      case 'set':
      case 'mset': {
        const assignments = app.toLowerCase() === 'set' ? [data] : args;
        for (const a of assignments) {
          const eq = a.indexOf('=');
          if (eq > 0) pbx.writeVariable(ch, a.slice(0, eq).trim(), a.slice(eq + 1));
        }
        return 'continue';
      }
      case 'goto':
        return this.goto(ch, args) ? 'jumped' : 'hangup';
      case 'gotoif': {
        const q = data.indexOf('?');
        if (q < 0) return 'continue';
        const cond = evaluateCondition(data.slice(0, q));
        const branches = data.slice(q + 1);
        const colon = branches.indexOf(':');
        const chosen = cond ? (colon >= 0 ? branches.slice(0, colon) : branches) : colon >= 0 ? branches.slice(colon + 1) : '';
        if (chosen.trim() === '') return 'continue';
        return this.goto(ch, splitAppArgs(chosen)) ? 'jumped' : 'hangup';
      }
      case 'busy':
      case 'congestion': {
        const busy = app.toLowerCase() === 'busy';
        ch.hangupCause = busy ? CAUSE.BUSY : CAUSE.CONGESTION;
        // ast_setstate(AST_STATE_BUSY) when not answered; the indication reaches whoever dials the
        // `;1`, which hangs that half up with no cause of its own (runs6-11-b/ari-run10-events.jsonl:
        // `;1` cause 0, `;2` 17 or 34).
        if (ch.state !== 'Up') pbx.setState(ch, 'Busy');
        // On an incoming trunk call from another node chan_pjsip answers 486/503 at once.
        if (ch.state !== 'Up') ch.remote?.hungUp(ch.hangupCause);
        const one = ch.localPeer;
        if (ch.localHalf === 2 && one && one.alive && one.state !== 'Up') pbx.legFailed(one, busy ? 'BUSY' : 'CONGESTION', 0);
        const seconds = Number(arg(0));
        await this.sleep(ch, seconds > 0 ? pbx.scheduler.scaled(seconds * 1000) : undefined);
        return 'hangup';
      }
      case 'musiconhold':
      case 'echo': {
        if (app.toLowerCase() === 'musiconhold') pbx.media.startMoh(ch, arg(0) || 'default');
        const seconds = Number(arg(1));
        const r = await this.sleep(ch, seconds > 0 ? pbx.scheduler.scaled(seconds * 1000) : undefined);
        pbx.media.stopMoh(ch);
        return r === 'interrupted' && ch.softHangup ? 'hangup' : 'continue';
      }
      case 'queue':
        return this.queue(ch, args);
      case 'mixmonitor':
        mixMonitor(pbx, ch, data);
        return 'continue';
      case 'stopmixmonitor':
        stopMixMonitor(ch);
        return 'continue';
      default:
        pbx.log.warn(`pbx-sim: no application '${app}' (${ch.name}); hanging up`);
        return 'hangup';
    }
  }

  /** Goto([[context,]exten,]priority) with numeric priorities or labels. */
  private goto(ch: Channel, args: string[]): boolean {
    const parts = args.map((a) => a.trim());
    let context = ch.context;
    let exten = ch.exten;
    let prio: string;
    if (parts.length >= 3) [context = ch.context, exten = ch.exten, prio = '1'] = parts;
    else if (parts.length === 2) [exten = ch.exten, prio = '1'] = parts;
    else prio = parts[0] ?? '1';
    let priority = Number(prio);
    if (!Number.isInteger(priority)) {
      const label = this.pbx.dialplan.findLabel(context, exten, prio);
      if (label === undefined) return false;
      priority = label;
    }
    ch.context = context;
    ch.exten = exten;
    ch.priority = priority;
    return true;
  }

  /** Minimal Queue(name,...,timeout): music on hold, ring all members until one answers. */
  private async queue(ch: Channel, args: string[]): Promise<AppResult> {
    const { pbx } = this;
    const name = (args[0] ?? '').trim();
    const queue = pbx.queues.find((q) => q.name === name);
    if (!queue) {
      pbx.setVar(ch, 'QUEUESTATUS', 'UNKNOWN');
      return 'continue';
    }
    const overall = Number((args[4] ?? '').trim());
    const deadline = overall > 0 ? Date.now() + pbx.scheduler.scaled(overall * 1000) : Infinity;
    for (const v of ['ANSWEREDTIME', 'ANSWEREDTIME_MS', 'DIALEDTIME', 'DIALEDTIME_MS', 'QUEUEWAIT', 'QUEUEWAIT_MS']) pbx.setVar(ch, v, '');
    pbx.media.startMoh(ch, queue.musicClass);
    const leave = watchQueue(pbx, ch, queue);
    const r = await this.ringQueue(ch, queue, deadline);
    leave();
    if (r === 'hangup') return 'hangup';
    if (r === 'continue') return ch.softHangup ? 'hangup' : 'continue';
    pbx.media.stopMoh(ch);
    if (ch.softHangup) return 'hangup';
    pbx.setVar(ch, 'QUEUESTATUS', 'TIMEOUT');
    return 'continue';
  }

  /** Rings the members until one answers, the caller goes, or the queue's overall timeout. */
  private async ringQueue(ch: Channel, queue: QueueOptions, deadline: number): Promise<'continue' | 'hangup' | 'unanswered'> {
    const { pbx } = this;
    const members = queue.members.map((m) => m.interface.replace(/\/n$/, '')).join('&');
    while (!ch.softHangup && ch.alive && Date.now() < deadline) {
      const remaining = deadline === Infinity ? queue.timeout : Math.min(queue.timeout, Math.ceil((deadline - Date.now()) / 1000 / pbx.scheduler.timing.timeScale));
      const r = members === '' ? 'unanswered' : await pbx.dialing.dialApp(ch, `${members},${remaining}`, 'queue');
      if (r !== 'unanswered') return r;
      if (ch.asyncGoto) break;
      const w = await this.sleep(ch, pbx.scheduler.scaled(queue.retry * 1000));
      if (w === 'interrupted') break;
    }
    return 'unanswered';
  }
}

/** GotoIf conditions: `$[a = b]`-style comparisons, else non-empty and not 0. */
function evaluateCondition(text: string): boolean {
  const expr = text.trim().replace(/^\$\[(.*)\]$/s, '$1').trim();
  const m = /^(.*?)\s*(!=|>=|<=|=|>|<)\s*(.*)$/.exec(expr);
  if (m) {
    const a = (m[1] ?? '').trim().replace(/^"(.*)"$/, '$1');
    const b = (m[3] ?? '').trim().replace(/^"(.*)"$/, '$1');
    const na = Number(a);
    const nb = Number(b);
    const numeric = a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb);
    switch (m[2]) {
      case '=':
        return numeric ? na === nb : a === b;
      case '!=':
        return numeric ? na !== nb : a !== b;
      case '>':
        return numeric ? na > nb : a > b;
      case '<':
        return numeric ? na < nb : a < b;
      case '>=':
        return numeric ? na >= nb : a >= b;
      case '<=':
        return numeric ? na <= nb : a <= b;
    }
  }
  return expr !== '' && expr !== '0';
}
