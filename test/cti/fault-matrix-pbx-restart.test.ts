/**
 * The fault matrix (test/support/fault-matrix-one-node.ts), the row of Asterisk restarted (every
 * call vanishes without an event), in every phase.
 */
import { faultMatrixCells } from '../support/fault-matrix-one-node.js';

faultMatrixCells('pbx-restart');
