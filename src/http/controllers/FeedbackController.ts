import type { Context } from 'koa';
import { z } from 'zod';
import { normalizePhone } from '../../domain/phone.ts';
import { invalidInput } from '../../errors.ts';
import { assertFeedbackAllowed, createFeedback } from '../../services/feedback.ts';
import { storeUpload } from '../../services/uploads.ts';
import { renderPage, respond } from '../respond.ts';
import { uploadReference } from '../urls.ts';
import { input, validate } from '../validate.ts';

const email = z.email();

const feedbackSchema = z.object({
  comments: z.string({ error: 'errors.comments_required' }).trim().min(1, 'errors.comments_required').max(2000, 'errors.comments_too_long'),
  contact: z
    .string({ error: 'errors.contact_invalid' })
    .trim()
    .max(254, 'errors.contact_invalid')
    .transform((v, c) => {
      const phone = normalizePhone(v);
      if (phone) return phone;
      if (email.safeParse(v).success) return v.toLowerCase();
      c.addIssue({ code: 'custom', message: 'errors.contact_invalid' });
      return z.NEVER;
    }),
  attachments: z
    .union([z.string(), z.array(z.string())], { error: 'errors.image_not_yours' })
    .optional()
    .transform((v) =>
      (Array.isArray(v) ? v : (v ?? '').split(','))
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length <= 5, 'errors.too_many_files'),
});

/** Feedback's per-hour limit, checked before a multipart body is read (and again when it is stored). */
export async function feedbackLimit(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  await assertFeedbackAllowed(db, clock, config, { borrowerId: ctx.state.borrower?.id, address: ctx.ip });
}

/** GET /Feedback/index: the feedback form, for borrowers and for visitors who cannot sign in. */
export function index(ctx: Context): void {
  renderPage(ctx, 'feedback/index.njk', { values: { contact: ctx.state.borrower?.phone ?? '' } });
}

/**
 * POST /Feedback/ajaxCreate: comments and a phone or e-mail to answer to;
 * a borrower may attach their own uploads (paths, or files from the page's form).
 */
export async function ajaxCreate(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const borrower = ctx.state.borrower;
  const raw: Record<string, unknown> = { ...(ctx.state.multipart?.fields ?? input(ctx)) };
  const files = (ctx.state.multipart?.files ?? []).filter((f) => f.bytes > 0);
  const request = validate(feedbackSchema, raw);
  request.attachments = request.attachments.map((a) => String(uploadReference(ctx, a)));
  if (files.length && !borrower) throw invalidInput({ attachments: 'errors.attachments_need_account' });
  for (const file of files) {
    request.attachments.push((await storeUpload(db, clock, config, { borrowerId: borrower!.id, file: file.data, sha256: file.sha256 })).path);
  }
  await createFeedback(db, clock, config, { ...request, borrowerId: borrower?.id, address: ctx.ip });
  respond(ctx, {
    json: { status: 200, data: '', message: ctx.state.t('messages.feedback_successful') },
    redirect: '/Feedback/index',
    flash: 'messages.feedback_received',
  });
}
