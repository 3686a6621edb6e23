import type { Context } from 'koa';
import { z } from 'zod';
import { presentComplaint, presentComplaintRow } from '../../presenters/protection.ts';
import { borrowerFollowUp, COMPLAINT_TOPICS, complaintsOf, openComplaint, ownComplaint } from '../../services/complaints.ts';
import { ownScope } from '../actor.ts';
import { respond } from '../respond.ts';
import { input, validate } from '../validate.ts';

const body = z.string({ error: 'errors.complaint_required' }).trim().min(10, 'errors.complaint_too_short').max(2000, 'errors.comments_too_long');
const createSchema = z.object({ topic: z.enum(COMPLAINT_TOPICS, { error: 'errors.topic_invalid' }), body });
const numberSchema = z.string({ error: 'errors.not_found' }).trim().regex(/^Q-\d{8}-\d{6}$/, 'errors.not_found');
const followUpSchema = z.object({
  no: numberSchema,
  body: z.string().trim().max(2000, 'errors.comments_too_long').default(''),
  close: z.enum(['1', '0']).default('0'),
}).refine((v) => v.close === '1' || v.body.length > 0, { path: ['body'], message: 'errors.complaint_required' });

/** Who to complain to and how to escalate: the configured grievance officer and authority. */
function officer(ctx: Context) {
  const { grievance, escalation } = ctx.deps.config.protection;
  return { grievance, escalation };
}

/** The complaints page's model (also for the form re-rendered with an error). */
export async function listModel(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower;
  const mine = borrower ? await complaintsOf(db, borrower.id) : [];
  return { ...officer(ctx), topics: COMPLAINT_TOPICS, complaints: mine.map((c) => presentComplaintRow(config, c, clock.now())) };
}

/**
 * GET /Complaint/index: the grievance officer (name, phone, e-mail, hours),
 * the escalation authority, and for a signed-in borrower the form that opens
 * a complaint and the list of their complaints.
 */
export async function index(ctx: Context): Promise<void> {
  const model = await listModel(ctx);
  respond(ctx, { view: 'complaints/index.njk', data: model, message: 'messages.successfully', page: () => ({ values: {} }) });
}

/** POST /Complaint/create (auth): opens a complaint; answers its number (a page goes to it). */
export async function create(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const request = validate(createSchema, raw);
  const { db, clock, config } = ctx.deps;
  const complaint = await openComplaint(db, clock, config, { borrowerId: ctx.state.borrower!.id, topic: request.topic, body: request.body });
  respond(ctx, {
    json: { status: 200, message: ctx.state.t('messages.complaint_opened', { number: complaint.number }), data: { number: complaint.number } },
    redirect: `/Complaint/view?no=${complaint.number}`,
    flash: 'messages.complaint_opened_page',
  });
}

/** GET /Complaint/view?no= (auth): one of the borrower's complaints with every reply, and the escalation notice when due. */
export async function view(ctx: Context): Promise<void> {
  const { no } = validate(z.object({ no: numberSchema }), input(ctx));
  const { config, db, clock } = ctx.deps;
  const thread = await ownComplaint(db, ownScope(ctx, 'read', 'complaint'), no);
  const data = presentComplaint(config, thread, clock.now());
  respond(ctx, { view: 'complaints/view.njk', data, message: 'messages.successfully', page: () => ({ c: data, ...officer(ctx) }) });
}

/** POST /Complaint/reply (auth): the borrower adds a message (reopening it for staff) or closes it as resolved. */
export async function reply(ctx: Context): Promise<void> {
  const request = validate(followUpSchema, input(ctx));
  const { db, clock } = ctx.deps;
  const complaint = await borrowerFollowUp(db, clock, { borrowerId: ctx.state.borrower!.id, number: request.no, body: request.body, close: request.close === '1' });
  respond(ctx, {
    json: { status: 200, message: ctx.state.t('messages.successful'), data: { number: complaint.number, status: complaint.status } },
    redirect: `/Complaint/view?no=${complaint.number}`,
    flash: 'messages.complaint_saved',
  });
}
