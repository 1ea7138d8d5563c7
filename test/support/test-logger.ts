/**
 * The server log of an in-process test server: silent unless asked for. `CTI_TEST_LOG=<level>` writes
 * it to stderr (for one failing file); `CTI_TEST_LOG_DIR=<dir>` writes each server's log at debug
 * level to a file of its own there, named after the test file, so that a failure seen once in a full
 * run can be read afterwards.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { createLogger, silentLogger, type Logger } from '../../cti/logging.js';

let started = 0;

/** A new log file in CTI_TEST_LOG_DIR, when that is set. */
function logFile(): Writable | null {
  const dir = process.env['CTI_TEST_LOG_DIR'];
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const file = basename(expect.getState().testPath ?? 'unknown', '.ts');
  return createWriteStream(join(dir, `${file}-${process.pid}-${++started}.log`));
}

export function testLogger(): Logger {
  const file = logFile();
  if (file) return createLogger('debug', file);
  const level = process.env['CTI_TEST_LOG'];
  return level ? createLogger(level, process.stderr) : silentLogger();
}

/**
 * A logger for a test that reads the server's log itself (`sink` gets the lines at `level`); with
 * CTI_TEST_LOG_DIR set, the lines go to a log file too, and at debug level.
 */
export function testLoggerInto(sink: Writable, level: string): Logger {
  const file = logFile();
  if (!file) return createLogger(level, sink);
  const both = new Writable({
    write(chunk: Buffer, _encoding, done) {
      file.write(chunk);
      sink.write(chunk, done);
    },
  });
  return createLogger('debug', both);
}

/** A logger whose lines at `level` and above the test reads from `lines`, as written (one JSON text each). */
export function capturedLog(level = 'info'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: testLoggerInto(sink, level), lines };
}
