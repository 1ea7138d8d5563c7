/**
 * Reader for the recorded AMI sessions in /work/shared/asterisk/recordings/ami-run*.txt.
 *
 * A recording is the exact byte stream of one TCP session, cut into chunks, each chunk preceded by
 * a `### <time> S->C chunk (N bytes)` or `### <time> C->S (N bytes)` annotation and followed by a
 * newline the recorder added. Other `### ` lines are notes (what the recorder did next). The byte
 * counts make the split exact even though chunks end in CRLF.
 */
import { readFileSync } from 'node:fs';
import { parseFrames } from './frame.js';
import type { AmiField } from './frame.js';

export type RecordedStep =
  /** What the client sent: the raw text and the messages in it. */
  | { kind: 'client'; time: string; text: string; messages: AmiField[][] }
  /** One complete frame the server sent (response, event or list item). */
  | { kind: 'server'; time: string; fields: AmiField[] }
  /** A recorder annotation, e.g. `ORIGINATE …`, `all channels hung up: true`, `SOCKET CLOSED`. */
  | { kind: 'note'; time: string; text: string };

export interface Recording {
  /** The greeting line, without its CRLF. */
  banner: string;
  steps: RecordedStep[];
}

const CHUNK = /^### (\S+) (S->C chunk|C->S) \((\d+) bytes\)$/;
const NOTE = /^### (\d{4}-\d\d-\d\dT\S+) (.*)$/;

export function parseRecording(data: Buffer): Recording {
  const steps: RecordedStep[] = [];
  let banner: string | undefined;
  let serverText = '';
  let position = 0;
  while (position < data.length) {
    const lineEnd = data.indexOf(0x0a, position);
    const end = lineEnd === -1 ? data.length : lineEnd;
    const line = data.toString('utf8', position, end);
    position = end + 1;
    if (line === '') continue;
    if (!line.startsWith('### ')) throw new Error(`recording: unexpected line at byte ${position}: ${line.slice(0, 60)}`);

    const chunk = CHUNK.exec(line);
    if (chunk) {
      const [, time = '', direction, size = '0'] = chunk;
      const length = Number(size);
      const text = data.toString('utf8', position, position + length);
      position += length;
      if (data[position] === 0x0a) position += 1; // the recorder's separator
      if (direction === 'C->S') {
        steps.push({ kind: 'client', time, text, messages: parseFrames(text) });
        continue;
      }
      serverText += text;
      if (banner === undefined) {
        const bannerEnd = serverText.indexOf('\r\n');
        if (bannerEnd === -1) continue;
        banner = serverText.slice(0, bannerEnd);
        serverText = serverText.slice(bannerEnd + 2);
      }
      // Emit the frames this chunk completes; keep a partial frame for the next chunk.
      const lastBoundary = serverText.lastIndexOf('\r\n\r\n');
      if (lastBoundary === -1) continue;
      const complete = serverText.slice(0, lastBoundary + 4);
      serverText = serverText.slice(lastBoundary + 4);
      for (const fields of parseFrames(complete)) steps.push({ kind: 'server', time, fields });
      continue;
    }
    const note = NOTE.exec(line);
    if (note) steps.push({ kind: 'note', time: note[1] ?? '', text: note[2] ?? '' });
    // Header lines without a time describe the file format.
  }
  return { banner: banner ?? '', steps };
}

export function readRecording(path: string): Recording {
  return parseRecording(readFileSync(path));
}

/** `Event:` or `Response:` value of a frame, e.g. `Newchannel`, `Response:Success`. */
export function frameKind(fields: readonly AmiField[]): string {
  const [key, value] = fields[0] ?? ['', ''];
  return key === 'Event' ? value : `${key}:${value}`;
}

/** The value of a field in a parsed frame ('' when absent). */
export function fieldValue(fields: readonly AmiField[], key: string): string {
  return fields.find(([name]) => name === key)?.[1] ?? '';
}
