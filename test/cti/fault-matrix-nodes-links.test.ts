/**
 * The fault matrix across two Asterisk nodes (test/support/fault-matrix-two-nodes.ts), the rows of
 * the links and of a node: the AMI link to node a dropped, the ARI event socket of node b dropped,
 * node b restarted. Each row on a world of its own.
 */
import { faultMatrixNodesCells } from '../support/fault-matrix-two-nodes.js';

faultMatrixNodesCells('drop-ami');
faultMatrixNodesCells('drop-ari');
faultMatrixNodesCells('pbx-restart');
