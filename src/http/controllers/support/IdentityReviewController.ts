// The console's identity reviews: the queue, one identity side by side, approve or reject with a reason.
import type { Context } from 'koa';
import { z } from 'zod';
import { REJECT_REASONS } from '../../../domain/kyc.ts';
import { label } from '../../../presenters/identity.ts';
import { audit } from '../../../services/audit.ts';
import { identityForStaff, identityQueue, reviewIdentity } from '../../../services/identity.ts';
import { renderPage } from '../../respond.ts';
import { validate } from '../../validate.ts';

const page = (ctx: Context, view: string, data: Record<string, unknown> = {}) =>
  renderPage(ctx, view, { ...data, staff: ctx.state.staff, staffCsrf: ctx.state.staffCsrf });

/** GET /support/identities: identities waiting for a decision, oldest first, with their flags. */
export async function queue(ctx: Context): Promise<void> {
  const rows = await identityQueue(ctx.deps.db);
  page(ctx, 'support/identities.njk', {
    items: rows.map((r) => ({ id: r.id, phone: r.phone, name: r.full_name, since: r.review_since, flags: JSON.parse(r.flags) as string[], faceScore: r.face_score })),
  });
}

/** GET /support/identities/<id>: declared against read, the three images side by side, the face score. Audited. */
export async function show(ctx: Context): Promise<void> {
  const { db, config } = ctx.deps;
  const found = await identityForStaff(db, config, Number(ctx.params.id));
  const { row } = found;
  // Staff see the whole ID number here: who looked is written down, like a borrower lookup.
  await audit(db, ctx.deps.clock, { staffId: ctx.state.staff!.id, action: 'view_identity', subject: `identity:${row.id}`, address: ctx.ip });
  const img = (u?: { path: string; thumb_path: string }) => (u ? { full: `/Public/Upload/${u.path}`, thumb: `/Public/Upload/${u.thumb_path}` } : null);
  page(ctx, 'support/identity.njk', {
    identity: {
      id: row.id,
      phone: row.phone,
      review: row.review,
      fullName: row.full_name,
      birthDate: row.birth_date,
      idNumber: found.idNumber,
      taxId: found.taxId,
      readName: row.read_name,
      readIdNumber: found.readIdNumber,
      faceScore: row.face_score,
      flags: found.flags,
      place: [label(config.market, 'es', 'CITY', row.city_code), label(config.market, 'es', 'STATE', row.state_code)].filter(Boolean).join(', '),
    },
    images: [
      { field: 'id_front', ...img(found.images.front) },
      { field: 'id_back', ...img(found.images.back) },
      { field: 'selfie', ...img(found.images.selfie) },
    ],
    steps: found.steps,
    reasons: Object.keys(REJECT_REASONS),
    faceMatchMin: config.kyc.faceMatchMin,
  });
}

const decisionSchema = z.discriminatedUnion(
  'decision',
  [
    z.object({ decision: z.literal('approve') }),
    z.object({
      decision: z.literal('reject'),
      reason: z.enum(Object.keys(REJECT_REASONS) as [string, ...string[]], { error: 'errors.invalid_input' }),
      note: z.string().trim().max(500).optional(),
    }),
  ],
  { error: 'errors.invalid_input' },
);

/** POST /support/identities/<id>: approve, or reject with a reason the borrower sees (and an optional note). Audited. */
export async function decide(ctx: Context): Promise<void> {
  const id = Number(ctx.params.id);
  ctx.state.flashBack = { redirect: `/support/identities/${id}` };
  const input = validate(decisionSchema, ctx.request.body ?? {});
  const { db, clock } = ctx.deps;
  await reviewIdentity(db, clock, {
    identityId: id,
    staffId: ctx.state.staff!.id,
    address: ctx.ip,
    decision: input.decision === 'approve' ? { approve: true } : { approve: false, reason: input.reason, note: input.note || undefined },
  });
  if (ctx.session) ctx.session.flash = input.decision === 'approve' ? 'identity.staff_approved' : 'identity.staff_rejected';
  ctx.status = 303;
  ctx.redirect('/support/identities');
}
