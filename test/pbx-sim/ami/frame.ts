/**
 * AMI framing: `Key: value` lines ended by CRLF, a message ended by an empty line.
 *
 * Parsing follows manager.c `get_input`/`do_message`: a line ends at CRLF or at a bare LF (so
 * netcat-style clients work), every empty line ends a message (even one with no headers, which
 * Asterisk answers with `Missing action in request`), a line longer than Asterisk's 1024-byte input
 * buffer poisons its message, and a message keeps at most 128 header lines.
 */

export type AmiField = readonly [key: string, value: string];

export interface AmiMessage {
  /** Header lines exactly as received, without the line ending. */
  readonly lines: readonly string[];
  /** A line overflowed the input buffer; Asterisk rejects the whole message. */
  readonly lineTooLong: boolean;
  /** More header lines than Asterisk keeps (`AST_MAX_MANHEADERS`). */
  readonly tooManyLines: boolean;
}

/** Asterisk's session input buffer is 1025 bytes, one kept for the terminating NUL. */
export const MAX_LINE_BYTES = 1024;
export const MAX_HEADER_LINES = 128;

const LF = 0x0a;
const CR = 0x0d;

/** Incremental parser for one connection's byte stream. */
export class FrameParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Discarding the rest of an over-long line until its LF. */
  private skippingLine = false;
  private lines: string[] = [];
  private lineTooLong = false;
  private tooManyLines = false;

  /** Feed bytes; returns the messages they complete, in order. */
  push(chunk: Buffer): AmiMessage[] {
    const messages: AmiMessage[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.buffer(chunk.subarray(start));
        break;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      if (this.skippingLine) {
        this.skippingLine = false;
        continue;
      }
      if (this.pendingBytes + piece.length > MAX_LINE_BYTES + 1) {
        // +1: the CR of a CRLF may still sit in the buffer.
        this.resetPending();
        this.lineTooLong = true;
        continue;
      }
      const bytes = this.pendingBytes > 0 ? Buffer.concat([...this.pending, piece]) : piece;
      this.resetPending();
      const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
      const line = bytes.toString('utf8', 0, end);
      const message = this.acceptLine(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private buffer(bytes: Buffer): void {
    if (this.skippingLine) return;
    if (this.pendingBytes + bytes.length > MAX_LINE_BYTES + 1) {
      // Never hold more than one input buffer's worth for a line: drop it and skip to its end.
      this.resetPending();
      this.lineTooLong = true;
      this.skippingLine = true;
      return;
    }
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  private resetPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private acceptLine(line: string): AmiMessage | undefined {
    if (line === '') {
      const message: AmiMessage = { lines: this.lines, lineTooLong: this.lineTooLong, tooManyLines: this.tooManyLines };
      this.lines = [];
      this.lineTooLong = false;
      this.tooManyLines = false;
      return message;
    }
    if (this.lines.length < MAX_HEADER_LINES) this.lines.push(line);
    else this.tooManyLines = true;
    return undefined;
  }
}

/**
 * A header's value the way manager.c `astman_get_header` finds it: the key matches
 * case-insensitively and must be followed directly by `:`; leading blanks of the value are
 * skipped; the first match wins unless `last` is set; `skipEmpty` ignores empty values.
 */
export function getHeader(message: AmiMessage, key: string, options: { skipEmpty?: boolean; last?: boolean } = {}): string {
  let result = '';
  for (const value of headerValues(message, key)) {
    if (options.skipEmpty && value === '') continue;
    if (!options.last) return value;
    result = value;
  }
  return result;
}

/** Every value of a repeated header (e.g. `Variable`), in order. */
export function headerValues(message: AmiMessage, key: string): string[] {
  const prefix = key.toLowerCase();
  const values: string[] = [];
  for (const line of message.lines) {
    if (line.length > prefix.length && line[prefix.length] === ':' && line.slice(0, prefix.length).toLowerCase() === prefix) {
      values.push(line.slice(prefix.length + 1).replace(/^[ \t]+/, ''));
    }
  }
  return values;
}

/** One AMI message on the wire: `Key: value` CRLF lines and the blank line that ends it. */
export function serializeFrame(fields: readonly AmiField[]): string {
  let text = '';
  for (const [key, value] of fields) text += `${key}: ${value}\r\n`;
  return `${text}\r\n`;
}

/**
 * Parse serialized frames back into field lists (tests, the recording reader). Only frames ended by
 * their blank line count; a trailing partial frame is ignored. Lines without `:` become `[line, '']`.
 */
export function parseFrames(text: string): AmiField[][] {
  const frames: AmiField[][] = [];
  let current: AmiField[] = [];
  const lines = text.split(/\r?\n/);
  lines.pop(); // what follows the last line ending is not a complete line
  for (const line of lines) {
    if (line === '') {
      if (current.length > 0) frames.push(current);
      current = [];
      continue;
    }
    const colon = line.indexOf(':');
    current.push(colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')]);
  }
  return frames;
}
