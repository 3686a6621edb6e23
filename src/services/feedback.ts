import type { ConsolePage } from '../data/console-page.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { feedbackInState, feedbackTimesSince, type FeedbackRow, findFeedback, insertFeedback, replyToFeedback } from '../data/repositories/feedback.ts';
import { lockedForSeconds } from './auth.ts';
import { AppError, invalidInput, tooManyAttempts } from '../errors.ts';
import { audit } from './audit.ts';
import { ownUpload } from './uploads.ts';

const HOUR = 3_600_000;

/** Refuses (429) an address or borrower that sent FEEDBACK_PER_HOUR messages in the last hour; checked before an upload's body is read too. */
export async function assertFeedbackAllowed(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'feedbackPerHour'>,
  input: { borrowerId?: number; address: string },
): Promise<void> {
  const now = clock.now().getTime();
  const limit = config.feedbackPerHour;
  const waits = [lockedForSeconds(await feedbackTimesSince(db, 'address', input.address, now - HOUR), limit, HOUR, now)];
  if (input.borrowerId) waits.push(lockedForSeconds(await feedbackTimesSince(db, 'borrower_id', input.borrowerId, now - HOUR), limit, HOUR, now));
  const wait = Math.max(...waits);
  if (wait > 0) throw tooManyAttempts(wait);
}

/**
 * Feedback/ajaxCreate: a message from a borrower or a visitor, with a phone
 * or e-mail to answer to and, from a borrower, their own uploads attached.
 * Limited per address and per borrower per hour.
 */
export async function createFeedback(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'feedbackPerHour'>,
  input: { borrowerId?: number; address: string; comments: string; contact: string; attachments: string[] },
): Promise<FeedbackRow> {
  const now = clock.now().getTime();
  await assertFeedbackAllowed(db, clock, config, input);
  if (input.attachments.length && !input.borrowerId) throw invalidInput({ attachments: 'errors.attachments_need_account' });
  for (const path of input.attachments) {
    if (!(await ownUpload(db, input.borrowerId!, path))) throw invalidInput({ attachments: 'errors.image_not_yours' });
  }
  const id = await insertFeedback(db, {
    borrower_id: input.borrowerId ?? null,
    address: input.address,
    contact: input.contact,
    comments: input.comments,
    attachments: JSON.stringify(input.attachments),
    status: 'open',
    created_at: now,
  });
  return (await findFeedback(db, id))!;
}

/** The console's inbox: newest first, open or closed. */
export function feedbackInbox(db: Db, status: 'open' | 'closed', page?: ConsolePage): Promise<FeedbackRow[]> {
  return feedbackInState(db, status, page);
}

/** A staff reply note; `close` files the message away (or reopens it). Audited. */
export async function answerFeedback(
  db: Db,
  clock: Clock,
  input: { id: number; staffId: number; address: string; note: string; close: boolean },
): Promise<void> {
  await db.transaction(async (trx) => {
    const found = await replyToFeedback(trx, input.id, {
      reply_note: input.note || null,
      status: input.close ? 'closed' : 'open',
      replied_by: input.staffId,
      replied_at: clock.now().getTime(),
    });
    if (!found) throw new AppError(404, 'not_found', 'errors.not_found');
    await audit(trx, clock, {
      staffId: input.staffId,
      action: input.close ? 'close_feedback' : 'reopen_feedback',
      subject: `feedback:${input.id}`,
      address: input.address,
      detail: { note: input.note },
    });
  });
}
