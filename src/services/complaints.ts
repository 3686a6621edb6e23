import type { ConsolePage } from '../data/console-page.ts';
import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { findBorrowerById } from '../data/repositories/borrowers.ts';
import { insertComplaintMessage, messagesOfComplaint } from '../data/repositories/complaint-messages.ts';
import {
  complaintsInState,
  complaintsOfBorrower,
  complaintTimesSince,
  type ComplaintRow,
  type ComplaintStatus,
  type ComplaintTopic,
  findComplaint,
  findOwnComplaint,
  insertComplaint,
  setComplaintStatus,
} from '../data/repositories/complaints.ts';
import { localParts } from '../domain/calendar.ts';
import { AppError, notFound, tooManyAttempts } from '../errors.ts';
import type { ComplaintThread } from '../snapshots/complaints.ts';
export type { ComplaintThread } from '../snapshots/complaints.ts';
import { audit } from './audit.ts';
import { lockedForSeconds } from './auth.ts';

export { COMPLAINT_TOPICS, type ComplaintStatus, type ComplaintTopic } from '../data/repositories/complaints.ts';

/** A number a borrower can read out on the phone: Q-YYYYMMDD-NNNNNN (local day, six random digits). */
function complaintNumber(now: number, timeZone: string): string {
  const { y, m, d } = localParts(now, timeZone);
  const day = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  return `Q-${day}-${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

async function addMessage(db: Executor, complaintId: number, author: 'borrower' | 'staff', staffId: number | null, body: string, at: number) {
  await insertComplaintMessage(db, { complaint_id: complaintId, author, staff_id: staffId, body, created_at: at });
}

const HOUR = 3_600_000;

/**
 * Opens a complaint with its first message; answers its number. A borrower
 * may open as many complaints an hour as they may send feedback
 * (FEEDBACK_PER_HOUR); past that, 429 with Retry-After.
 */
export async function openComplaint(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'timeZone' | 'feedbackPerHour'>,
  input: { borrowerId: number; topic: ComplaintTopic; body: string },
): Promise<ComplaintRow> {
  const now = clock.now().getTime();
  const recent = await complaintTimesSince(db, input.borrowerId, now - HOUR);
  const wait = lockedForSeconds(recent, config.feedbackPerHour, HOUR, now);
  if (wait > 0) throw tooManyAttempts(wait);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (trx) => {
        const id = await insertComplaint(trx, {
          number: complaintNumber(now, config.timeZone),
          borrower_id: input.borrowerId,
          topic: input.topic,
          status: 'open',
          created_at: now,
          updated_at: now,
        });
        await addMessage(trx, id, 'borrower', null, input.body, now);
        return (await findComplaint(trx, id))!;
      });
    } catch (err) {
      // A million numbers a day: a collision is rare and a second draw settles it.
      if (!isUniqueViolation(err) || attempt >= 4) throw err;
    }
  }
}

/** The borrower's complaints, newest first. */
export function complaintsOf(db: Db, borrowerId: number): Promise<ComplaintRow[]> {
  return complaintsOfBorrower(db, borrowerId);
}

async function thread(db: Executor, complaint: ComplaintRow | undefined): Promise<ComplaintThread> {
  if (!complaint) throw notFound();
  const messages = await messagesOfComplaint(db, complaint.id);
  return { complaint, messages };
}

/** One of the borrower's own complaints by number; anyone else's is the same 404 as an unknown one. */
export async function ownComplaint(db: Db, borrowerId: number, number: string): Promise<ComplaintThread> {
  return thread(db, await findOwnComplaint(db, borrowerId, number));
}

/** A complaint by id, for staff. */
export async function complaintForStaff(db: Db, id: number): Promise<ComplaintThread & { phone: string }> {
  const complaint = await findComplaint(db, id);
  const t = await thread(db, complaint);
  return { ...t, phone: (await findBorrowerById(db, complaint!.borrower_id))!.phone };
}

/** The console inbox: complaints in one state, oldest first (the longest waiting on top). */
export function complaintInbox(db: Db, status: ComplaintStatus, page?: ConsolePage): Promise<Array<ComplaintRow & { phone: string }>> {
  return complaintsInState(db, status, page);
}

/**
 * Moves an open complaint on, inside a transaction: an optional message, then
 * its new state. A closed complaint takes nothing more (409).
 */
async function followUp(
  trx: Executor,
  complaint: ComplaintRow | undefined,
  message: { author: 'borrower' | 'staff'; staffId: number | null; body: string },
  status: ComplaintStatus,
  now: number,
): Promise<ComplaintRow> {
  if (!complaint) throw notFound();
  if (complaint.status === 'closed') throw new AppError(409, 'complaint_closed', 'errors.complaint_closed');
  if (message.body) await addMessage(trx, complaint.id, message.author, message.staffId, message.body, now);
  await setComplaintStatus(trx, complaint.id, status, now);
  return (await findComplaint(trx, complaint.id))!;
}

/**
 * The borrower adds to their complaint (it goes back to waiting for staff),
 * or closes it as resolved. A closed complaint takes nothing more (409).
 */
export async function borrowerFollowUp(
  db: Db,
  clock: Clock,
  input: { borrowerId: number; number: string; body: string; close: boolean },
): Promise<ComplaintRow> {
  const now = clock.now().getTime();
  return db.transaction(async (trx) => {
    const complaint = await findOwnComplaint(trx, input.borrowerId, input.number);
    return followUp(trx, complaint, { author: 'borrower', staffId: null, body: input.body }, input.close ? 'closed' : 'open', now);
  });
}

/** A staff reply: the complaint becomes answered, or closed when staff resolve it. Audited. */
export async function staffReply(
  db: Db,
  clock: Clock,
  input: { id: number; staffId: number; address: string; body: string; close: boolean },
): Promise<ComplaintRow> {
  const now = clock.now().getTime();
  return db.transaction(async (trx) => {
    const complaint = await findComplaint(trx, input.id);
    const status: ComplaintStatus = input.close ? 'closed' : 'answered';
    const moved = await followUp(trx, complaint, { author: 'staff', staffId: input.staffId, body: input.body }, status, now);
    await audit(trx, clock, { staffId: input.staffId, action: 'reply_complaint', subject: `complaint:${moved.number}`, address: input.address, detail: { status } });
    return moved;
  });
}
