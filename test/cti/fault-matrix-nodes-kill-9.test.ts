/**
 * The fault matrix across two Asterisk nodes (test/support/fault-matrix-two-nodes.ts), the row of
 * the server killed with kill -9 and started again on the same database (a caller dialling in on
 * node a meanwhile goes through the survival path and is imported).
 */
import { faultMatrixNodesCells } from '../support/fault-matrix-two-nodes.js';

faultMatrixNodesCells('kill-9');
