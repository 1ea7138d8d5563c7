/**
 * The fault matrix (test/support/fault-matrix-one-node.ts), the row of the active server killed
 * with kill -9 while a standby waits on the same PostgreSQL database, once an agent has the call:
 * bridged, held, consulting, three-way (the earlier phases: fault-matrix-takeover.test.ts).
 */
import { faultMatrixCells } from '../support/fault-matrix-one-node.js';

faultMatrixCells('takeover', ['bridged', 'held', 'consulting', 'three-way']);
