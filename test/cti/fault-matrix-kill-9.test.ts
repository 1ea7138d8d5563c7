/**
 * The fault matrix (test/support/fault-matrix-one-node.ts), the row of the server killed with kill
 * -9 and started again on the same database (calls placed while it is down go through the survival
 * path and are imported), before an agent has the call: greeting, IVR menu, queued, ringing (the
 * other phases: fault-matrix-kill-9-agent.test.ts).
 */
import { faultMatrixCells } from '../support/fault-matrix-one-node.js';

faultMatrixCells('kill-9', ['greeting', 'ivr', 'queued', 'ringing']);
