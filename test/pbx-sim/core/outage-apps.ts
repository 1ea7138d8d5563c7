/**
 * What the dialplan's survival path (the CTI server's application absent) uses beyond the basic
 * applications: `MixMonitor()`/`StopMixMonitor()`, hangup handlers (`CHANNEL(hangup_handler_push)`,
 * run as a Gosub when the channel hangs up, up to `Return()`), and the channel variables `Queue()`
 * leaves on the caller (`setinterfacevar`, `setqueueentryvar`, `ABANDONED`).
 *
 * None of this is in the recordings (../../../shared/asterisk/): it follows Asterisk's documentation
 * (see the README, "Outage path (not recorded)").
 */
import type { Channel } from './channel.js';
import { splitAppArgs, substitute } from './dialplan.js';
import type { Pbx, QueueOptions } from './pbx.js';
import { readVariable } from './variables.js';

type RunApp = (ch: Channel, app: string, data: string) => Promise<'continue' | 'hangup' | 'jumped'>;

/** MixMonitor(file[,options[,command]]): records the channel; MIXMONITOR_FILENAME is the file. */
export function mixMonitor(pbx: Pbx, ch: Channel, data: string): void {
  const file = (splitAppArgs(data)[0] ?? '').trim();
  if (file === '') return;
  const path = file.startsWith('/') ? file : `/var/spool/asterisk/monitor/${file}`;
  ch.mixMonitorFile = path;
  pbx.setVar(ch, 'MIXMONITOR_FILENAME', path);
}

export function stopMixMonitor(ch: Channel): void {
  ch.mixMonitorFile = undefined;
}

/**
 * Runs the channel's hangup handlers (last pushed first), each as a Gosub from its location up to
 * `Return()`, with the channel's variables as they are at hang-up.
 */
export async function runHangupHandlers(pbx: Pbx, ch: Channel, run: RunApp): Promise<void> {
  while (ch.hangupHandlers.length > 0) {
    const location = ch.hangupHandlers.shift() ?? '';
    const parts = splitAppArgs(location.replace(/\(.*\)$/s, '')).map((p) => p.trim());
    const [context, exten, prio] = parts.length >= 3 ? parts : parts.length === 2 ? [ch.context, parts[0], parts[1]] : [ch.context, ch.exten, parts[0]];
    if (!context || !exten) continue;
    ch.context = context;
    ch.exten = exten;
    const label = Number(prio ?? '1');
    ch.priority = Number.isInteger(label) ? label : (pbx.dialplan.findLabel(context, exten, prio ?? '') ?? 1);
    for (let steps = 0; steps < 200; steps++) {
      const step = pbx.dialplan.find(ch.context, ch.exten, ch.priority);
      if (!step || step.app.toLowerCase() === 'return') break;
      const data = substitute(step.data, (expr) => readVariable(ch, expr, pbx) ?? '');
      let result: 'continue' | 'hangup' | 'jumped';
      try {
        result = await run(ch, step.app, data);
      } catch (err) {
        pbx.log.warn(`pbx-sim: hangup handler ${step.app}(${data}) failed on ${ch.name}: ${String(err)}`);
        break;
      }
      if (result === 'hangup') break;
      if (result !== 'jumped') ch.priority++;
    }
  }
}

/**
 * While a caller waits in `Queue()`: when a member answers, app_queue sets (with `setinterfacevar`)
 * MEMBERINTERFACE, MEMBERNAME, MEMBERCALLS, MEMBERLASTCALL, MEMBERPENALTY, MEMBERDYNAMIC,
 * MEMBERREALTIME and (with `setqueueentryvar`) QEHOLDTIME, QEORIGINALPOS on the caller just before
 * bridging. Returns what to call when the caller leaves the queue.
 */
export function watchQueue(pbx: Pbx, ch: Channel, queue: QueueOptions): () => void {
  const joinedAt = Date.now();
  let answered = false;
  const stop = pbx.subscribe((event) => {
    if (event.type !== 'dial' || event.dialStatus !== 'ANSWER' || event.caller?.id !== ch.id || answered) return;
    const member = queue.members.find((m) => event.peer.name.startsWith(`${m.interface.replace(/\/n$/, '')}-`));
    if (!member) return;
    answered = true;
    if (queue.setInterfaceVar) {
      pbx.setVar(ch, 'MEMBERINTERFACE', member.interface);
      pbx.setVar(ch, 'MEMBERNAME', member.memberName);
      pbx.setVar(ch, 'MEMBERCALLS', '0');
      pbx.setVar(ch, 'MEMBERLASTCALL', '0');
      pbx.setVar(ch, 'MEMBERPENALTY', '0');
      pbx.setVar(ch, 'MEMBERDYNAMIC', '0');
      pbx.setVar(ch, 'MEMBERREALTIME', '0');
    }
    if (queue.setQueueEntryVar) {
      const seconds = Math.floor((Date.now() - joinedAt) / 1000 / pbx.scheduler.timing.timeScale);
      pbx.setVar(ch, 'QEHOLDTIME', String(seconds));
      pbx.setVar(ch, 'QEORIGINALPOS', '1');
    }
  });
  return () => {
    stop();
    // record_abandoned(): the caller hung up before a member took the call.
    if (!answered && (ch.softHangup || ch.destroyed)) pbx.setVar(ch, 'ABANDONED', 'TRUE');
  };
}
