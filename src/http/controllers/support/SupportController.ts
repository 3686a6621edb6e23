import type { Context } from 'koa';
import { z } from 'zod';
import { parseIsoDay } from '../../../domain/calendar.ts';
import { parseMoney } from '../../../domain/money.ts';
import { notFound } from '../../../errors.ts';
import { presentAccountForStaff } from '../../../presenters/account.ts';
import { presentAuditLog, presentFeedbackInbox, presentProofForStaff, presentQueue } from '../../../presenters/support.ts';
import { recentAudit } from '../../../services/audit.ts';
import { answerFeedback, feedbackInbox } from '../../../services/feedback.ts';
import { complaintForStaff, complaintInbox, staffReply } from '../../../services/complaints.ts';
import { presentComplaint, presentComplaintRow } from '../../../presenters/protection.ts';
import { signInStaff, signOutStaff } from '../../../services/auth.ts';
import { decideLoanByHand } from '../../../services/loans.ts';
import { type ProofDecision, reviewProof } from '../../../services/proofs.ts';
import { consoleFilter, pageOf, splitPage } from '../../../services/console-lists.ts';
import { loansInReview, lookUpBorrower, pendingProofs, proofForStaff } from '../../../services/support.ts';
import { endStaffSession, startStaffSession } from '../../middleware/staff.ts';
import { respondConsole } from '../../respond.ts';
import { validate } from '../../validate.ts';

const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;

/** GET /support/login: the staff sign-in form (a signed-in staff member goes to the queue). */
export function loginPage(ctx: Context): void {
  if (ctx.state.staff) return ctx.redirect('/support/');
  respondConsole(ctx, { view: 'support/login.njk', data: { values: {} } });
}

const loginSchema = z.object({
  email: z.string({ error: 'errors.email_required' }).trim().min(3, 'errors.email_required').max(254, 'errors.email_required'),
  password: z.string({ error: 'errors.password_required' }).min(1, 'errors.password_required').max(128, 'errors.password_too_long'),
});

/** POST /support/login: e-mail and password, locked out like borrowers after repeated failures. */
export async function login(ctx: Context): Promise<void> {
  const fields = validate(loginSchema, body(ctx));
  const { db, clock, config } = ctx.deps;
  const staff = await signInStaff(db, clock, config.login, { ...fields, address: ctx.ip });
  await startStaffSession(ctx, staff.id);
  respondConsole(ctx, { redirect: '/support/' });
}

/** POST /support/logout. */
export async function logout(ctx: Context): Promise<void> {
  await signOutStaff(ctx.deps.db, ctx.deps.clock, ctx.state.staff!.id, ctx.ip);
  await endStaffSession(ctx);
  respondConsole(ctx, { redirect: '/support/login' });
}

// Every console list: a keyset (`after`, the last id of the page shown) and a search (`q`: a phone or an order number).
const listSchema = z.object({
  after: z.coerce.number({ error: 'errors.invalid_input' }).int().positive().max(2 ** 53).optional(),
  q: z.string().trim().max(40, 'errors.invalid_input').default(''),
});

/** The page asked for, what the search found (null: nothing), and what the page's links keep. */
async function listParams(ctx: Context, byLoan = true) {
  const { after, q } = validate(listSchema, ctx.query);
  const filter = await consoleFilter(ctx.deps.db, q, ctx.deps.config.market);
  return { filter, page: filter ? pageOf(after ?? null, filter, byLoan) : null, view: { q, searched: Boolean(q), noMatch: filter === null, paged: after !== undefined } };
}

/** GET /support/?after=&q=: proofs waiting for review, oldest first, 50 a page, with their count. */
export async function queue(ctx: Context): Promise<void> {
  const { page: p, view } = await listParams(ctx);
  const { rows, total, more } = p ? await pendingProofs(ctx.deps.db, p) : { rows: [], total: 0, more: false };
  const { items, next } = splitPage(rows);
  respondConsole(ctx, { view: 'support/queue.njk', data: { ...presentQueue(items, total, more), ...view, next, base: '/support/' } });
}

/** GET /support/proofs/<id>: one proof with the bill, the screenshots side by side and any warnings. */
export async function proof(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const found = await proofForStaff(db, clock, config, Number(ctx.params.id));
  if (!found) throw notFound();
  respondConsole(ctx, { view: 'support/proof.njk', data: presentProofForStaff(found, ctx.state.t) });
}

const decisionSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('approve'),
    amount: z.string().transform((v, c) => {
      const minor = parseMoney(v);
      if (minor === null || minor <= 0) {
        c.addIssue({ code: 'custom', message: 'errors.amount_invalid' });
        return z.NEVER;
      }
      return minor;
    }),
    purpose: z.enum(['repay', 'delay'], { error: 'errors.invalid_input' }),
    // The transfer date shown on the proof (defaults to the day it was sent).
    transfer_day: z
      .string()
      .trim()
      .optional()
      .transform((v, c) => {
        if (!v) return null;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(parseIsoDay(v))) {
          c.addIssue({ code: 'custom', message: 'errors.transfer_day_range' });
          return z.NEVER;
        }
        return parseIsoDay(v);
      }),
  }),
  z.object({
    decision: z.literal('reject'),
    reason: z.string().trim().max(32).default('other'),
    note: z.string().trim().max(500).optional(),
  }),
], { error: 'errors.invalid_input' });

/** POST /support/proofs/<id>: approve (settles the amount) or reject (with a reason the borrower sees). */
export async function decideProof(ctx: Context): Promise<void> {
  const id = Number(ctx.params.id);
  const input = validate(decisionSchema, body(ctx));
  const decision: ProofDecision =
    input.decision === 'approve'
      ? { approve: true, amount: input.amount, purpose: input.purpose, transferDay: input.transfer_day }
      : { approve: false, code: input.reason, note: input.note || undefined };
  const { db, clock, config } = ctx.deps;
  await reviewProof(db, clock, config, { proofId: id, staffId: ctx.state.staff!.id, address: ctx.ip, decision });
  respondConsole(ctx, { redirect: '/support/', flash: decision.approve ? 'support.approved' : 'support.rejected' });
}

/** GET /support/loans (admin): loans waiting for a manual decision. */
export async function loans(ctx: Context): Promise<void> {
  const { page: p, view } = await listParams(ctx);
  const { items, next } = splitPage(p ? await loansInReview(ctx.deps.db, p) : []);
  respondConsole(ctx, { view: 'support/loans.njk', data: { loans: items, ...view, next, base: '/support/loans' } });
}

/** POST /support/loans/<id> (admin): approve (disburses) or reject a loan in review. */
export async function decideLoan(ctx: Context): Promise<void> {
  const { decision, note } = validate(
    z.object({ decision: z.enum(['approve', 'reject'], { error: 'errors.invalid_input' }), note: z.string().trim().max(500).optional() }),
    body(ctx),
  );
  const { db, clock, config } = ctx.deps;
  const loanId = Number(ctx.params.id);
  await decideLoanByHand(db, clock, config, { loanId, staffId: ctx.state.staff!.id, address: ctx.ip, approve: decision === 'approve', code: 'staff', note }, ctx.payouts);
  respondConsole(ctx, { redirect: '/support/loans', flash: decision === 'approve' ? 'support.loan_approved' : 'support.loan_rejected' });
}

/** GET /support/borrowers?phone= (admin): one borrower's loans, bills, payments and proofs. Audited. */
export async function borrower(ctx: Context): Promise<void> {
  const asked = typeof ctx.query.phone === 'string' ? ctx.query.phone : '';
  const { db, clock, config } = ctx.deps;
  const found = asked ? await lookUpBorrower(db, clock, config, { staffId: ctx.state.staff!.id, phone: asked, address: ctx.ip }) : null;
  respondConsole(ctx, { view: 'support/borrower.njk', data: {
    asked,
    notFound: Boolean(asked) && !found,
    overview: found?.overview ?? null,
    account: found ? presentAccountForStaff(found.account.borrower, found.account.acceptances, found.account.codes) : null,
  } });
}

/** GET /support/audit (admin): every staff action, newest first. */
export async function auditLog(ctx: Context): Promise<void> {
  const { filter, page: p, view } = await listParams(ctx);
  // A borrower's or a loan's entries: the subjects staff actions name them by.
  const subjects = filter?.loanId !== undefined ? [`loan:${filter.loanId}`, `borrower:${filter.borrowerId}`] : filter?.borrowerId !== undefined ? [`borrower:${filter.borrowerId}`] : undefined;
  const { items, next } = splitPage(p ? await recentAudit(ctx.deps.db, { after: p.after, limit: p.limit, subjects }) : []);
  respondConsole(ctx, { view: 'support/audit.njk', data: { entries: presentAuditLog(items), ...view, next, base: '/support/audit' } });
}

/** GET /support/feedback?status=open|closed: the feedback inbox, newest first, attachments visible. */
export async function feedback(ctx: Context): Promise<void> {
  const status = ctx.query.status === 'closed' ? 'closed' : 'open';
  const { page: p, view } = await listParams(ctx, false);
  const { items, next } = splitPage(p ? await feedbackInbox(ctx.deps.db, status, p) : []);
  respondConsole(ctx, { view: 'support/feedback.njk', data: { status, items: presentFeedbackInbox(items), ...view, next, base: '/support/feedback' } });
}

/** POST /support/feedback/<id>: a reply note, closing (or reopening) the message. Audited. */
export async function answer(ctx: Context): Promise<void> {
  const { note, close } = validate(
    z.object({ note: z.string().trim().max(2000, 'errors.comments_too_long').default(''), close: z.enum(['1', '0']).default('1') }),
    body(ctx),
  );
  await answerFeedback(ctx.deps.db, ctx.deps.clock, { id: Number(ctx.params.id), staffId: ctx.state.staff!.id, address: ctx.ip, note, close: close === '1' });
  respondConsole(ctx, { redirect: '/support/feedback', flash: 'support.feedback_saved' });
}

/** GET /support/complaints: complaints waiting (open), answered or closed, oldest first, with their age. */
export async function complaints(ctx: Context): Promise<void> {
  const status = (['open', 'answered', 'closed'] as const).find((s) => s === ctx.query.status) ?? 'open';
  const { config, db, clock } = ctx.deps;
  const { page: p, view } = await listParams(ctx, false);
  const { items, next } = splitPage(p ? await complaintInbox(db, status, p) : []);
  respondConsole(ctx, {
    view: 'support/complaints.njk',
    data: { status, items: items.map((r) => ({ ...presentComplaintRow(config, r, clock.now()), id: r.id, phone: r.phone })), ...view, next, base: '/support/complaints' },
  });
}

/** GET /support/complaints/<id>: one complaint with its messages and the reply form. */
export async function complaint(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const thread = await complaintForStaff(db, Number(ctx.params.id));
  respondConsole(ctx, { view: 'support/complaint.njk', data: { c: { ...presentComplaint(config, thread, clock.now()), id: thread.complaint.id, phone: thread.phone }, values: {} } });
}

/** POST /support/complaints/<id>: a staff reply (answered), or a reply that resolves it (closed). Audited. */
export async function replyComplaint(ctx: Context): Promise<void> {
  const id = Number(ctx.params.id);
  const { reply, close } = validate(
    z.object({
      reply: z.string({ error: 'errors.complaint_required' }).trim().min(1, 'errors.complaint_required').max(2000, 'errors.comments_too_long'),
      close: z.enum(['1', '0']).default('0'),
    }),
    body(ctx),
  );
  await staffReply(ctx.deps.db, ctx.deps.clock, { id, staffId: ctx.state.staff!.id, address: ctx.ip, body: reply, close: close === '1' });
  respondConsole(ctx, { redirect: `/support/complaints/${id}`, flash: 'support.complaint_saved' });
}
