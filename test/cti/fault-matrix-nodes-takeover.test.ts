/**
 * The fault matrix across two Asterisk nodes (test/support/fault-matrix-two-nodes.ts), the row of
 * the active server killed with kill -9 while a standby waits on the same PostgreSQL database.
 */
import { faultMatrixNodesCells } from '../support/fault-matrix-two-nodes.js';

faultMatrixNodesCells('takeover');
