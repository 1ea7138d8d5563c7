/**
 * QueueStatus and QueueSummary (apps/app_queue.c). The core has no queues, so both answer with the
 * recorded list framing and no items.
 */
import { sendListAck, sendListComplete } from '../response.js';
import type { ActionHandler } from './context.js';

export const queueStatus: ActionHandler = (ctx) => {
  sendListAck(ctx, 'Queue status will follow');
  sendListComplete(ctx, 'QueueStatusComplete', 0);
};

export const queueSummary: ActionHandler = (ctx) => {
  sendListAck(ctx, 'Queue summary will follow');
  sendListComplete(ctx, 'QueueSummaryComplete', 0);
};
