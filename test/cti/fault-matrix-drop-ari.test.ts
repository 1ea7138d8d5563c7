/**
 * The fault matrix (test/support/fault-matrix-one-node.ts), the row of the ARI event socket
 * dropped, in every phase.
 */
import { faultMatrixCells } from '../support/fault-matrix-one-node.js';

faultMatrixCells('drop-ari');
