/** Parameters of ARI `record` on channels and bridges, validated like resource_channels.c. */
import type { RecordingOptions } from '../../core/recording.js';
import { HttpError } from '../http.js';
import type { Params } from '../http.js';

const TERMINATE_ON: readonly RecordingOptions['terminateOn'][] = ['none', 'any', '*', '#'];
const IF_EXISTS: readonly RecordingOptions['ifExists'][] = ['fail', 'overwrite', 'append'];
const FORMATS = new Set(['wav', 'wav16', 'gsm', 'ulaw', 'alaw', 'g722', 'sln', 'sln16', 'g729', 'ogg', 'mp3', 'WAV']);

export function parseRecordingOptions(p: Params): RecordingOptions {
  const maxDurationSeconds = p.int('maxDurationSeconds', 0);
  const maxSilenceSeconds = p.int('maxSilenceSeconds', 0);
  if (maxDurationSeconds < 0) throw new HttpError(400, 'max_duration_seconds cannot be negative');
  if (maxSilenceSeconds < 0) throw new HttpError(400, 'max_silence_seconds cannot be negative');
  const name = p.str('name') ?? '';
  const format = p.str('format') ?? '';
  if (name === '') throw new HttpError(400, 'Recording name invalid');
  const terminateText = p.text('terminateOn') ?? 'none';
  const terminateOn = TERMINATE_ON.find((t) => t === terminateText);
  if (!terminateOn) throw new HttpError(400, 'terminateOn invalid');
  const existsText = p.text('ifExists') ?? 'fail';
  const ifExists = IF_EXISTS.find((t) => t === existsText);
  if (!ifExists) throw new HttpError(400, 'ifExists invalid');
  if (!FORMATS.has(format)) throw new HttpError(422, 'specified format is unknown on this system');
  if (name.includes('..') || name.startsWith('/')) throw new HttpError(400, 'Recording name invalid');
  return {
    name,
    format,
    maxDurationSeconds,
    maxSilenceSeconds,
    ifExists,
    beep: p.bool('beep'),
    terminateOn,
  };
}
