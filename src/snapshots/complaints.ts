import type { ComplaintMessageRow } from '../data/repositories/complaint-messages.ts';
import type { ComplaintRow } from '../data/repositories/complaints.ts';

/** A complaint with its messages, oldest first. */
export interface ComplaintThread {
  complaint: ComplaintRow;
  messages: ComplaintMessageRow[];
}
