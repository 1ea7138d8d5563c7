/**
 * The fault matrix (test/support/fault-matrix-one-node.ts), the row of the active server killed
 * with kill -9 while a standby waits on the same PostgreSQL database, before an agent has the call:
 * greeting, IVR menu, queued, ringing (the other phases: fault-matrix-takeover-agent.test.ts).
 */
import { faultMatrixCells } from '../support/fault-matrix-one-node.js';

faultMatrixCells('takeover', ['greeting', 'ivr', 'queued', 'ringing']);
