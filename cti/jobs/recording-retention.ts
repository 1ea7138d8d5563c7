/**
 * Recording retention: every night at 03:00 recordings of calls older than the configured number of
 * days (setting `recording-retention-days`, default 180) are deleted from the PBX (ARI stored
 * recordings) and marked deleted, each of a call's recordings (one per answer) on its own. A recording the PBX no longer has counts as deleted; any other
 * failure leaves it for the next night.
 */
import { clockOf, getSetting, listRecordingsOlderThan, markRecordingDeleted, type Db } from '../../store/index.js';
import type { PbxAri } from '../nodes/pbx-ari.js';
import { AriError } from '../ari/ari-types.js';
import type { Logger } from '../logging.js';
import { scheduleJob, type ScheduledJob } from './schedule.js';

export const DEFAULT_RETENTION_DAYS = 180;
export const RETENTION_SETTING = 'recording-retention-days';
/** Recordings read from the database at a time. */
const PAGE = 500;

/** The days recordings are kept: the setting when it is a whole number of days, else the default. */
export async function retentionDays(db: Db): Promise<number> {
  const value = await getSetting(db, RETENTION_SETTING);
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : DEFAULT_RETENTION_DAYS;
}

export class RecordingRetention {
  private job: ScheduledJob | null = null;

  constructor(
    private readonly db: Db,
    private readonly ari: PbxAri,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.job = scheduleJob('recording-retention', '0 3 * * *', () => this.runOnce(), this.log);
  }

  retentionDays(): Promise<number> {
    return retentionDays(this.db);
  }

  /** Deletes what is due; returns the recordings removed. */
  async runOnce(now = clockOf(this.db).now()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - (await this.retentionDays()) * 86_400_000).toISOString();
    const removed: string[] = [];
    // Page after page until none is left: a centre answers more calls a day than one page holds, and a
    // recording left for the next night (its node down) must not hold back the ones after it.
    let afterId = 0;
    for (;;) {
      const page = await listRecordingsOlderThan(this.db, cutoff, PAGE, afterId);
      if (page.length === 0) break;
      for (const { recordingId, recording, node } of page) {
        afterId = recordingId;
        if (await this.deleteOnPbx(recording, node)) {
          await markRecordingDeleted(this.db, recordingId, now);
          removed.push(recording);
        }
      }
    }
    if (removed.length) this.log.info({ removed: removed.length, cutoff }, 'old recordings deleted');
    return removed;
  }

  /** Whether the recording is gone from the PBX now (deleted, or no longer there). */
  private async deleteOnPbx(recording: string, node: string | null): Promise<boolean> {
    try {
      // On the node the call was on; a recording of a node that is down now waits for the next night.
      await this.ari.deleteStoredRecording(recording, node);
      return true;
    } catch (error) {
      if (error instanceof AriError && error.kind === 'not-found') return true;
      this.log.warn({ recording, err: (error as Error).message }, 'recording not deleted; retried next run');
      return false;
    }
  }

  stop(): void {
    this.job?.stop();
  }
}
