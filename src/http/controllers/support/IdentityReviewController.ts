// The console's identity reviews: the queue, one identity side by side, approve or reject with a reason.
import type { Context } from 'koa';
import { z } from 'zod';
import { REJECT_REASONS } from '../../../domain/kyc.ts';
import { label } from '../../../presenters/identity.ts';
import { identityForStaff, identityQueue, reviewIdentity } from '../../../services/identity.ts';
import { respondConsole } from '../../respond.ts';
import { validate } from '../../validate.ts';


/** GET /support/identities: identities waiting for a decision, oldest first, with their flags. */
export async function queue(ctx: Context): Promise<void> {
  const rows = await identityQueue(ctx.deps.db);
  respondConsole(ctx, { view: 'support/identities.njk', data: {
    items: rows.map((r) => ({ id: r.id, phone: r.phone, name: r.full_name, since: r.review_since, flags: JSON.parse(r.flags) as string[], faceScore: r.face_score })),
  } });
}

/** GET /support/identities/<id>: declared against read, the three images side by side, the face score. Audited. */
export async function show(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const found = await identityForStaff(db, clock, config, Number(ctx.params.id), { staffId: ctx.state.staff!.id, address: ctx.ip });
  const { row } = found;
  const img = (u?: { path: string; thumb_path: string }) => (u ? { full: `/Public/Upload/${u.path}`, thumb: `/Public/Upload/${u.thumb_path}` } : null);
  respondConsole(ctx, { view: 'support/identity.njk', data: {
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
  } });
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
  const input = validate(decisionSchema, ctx.request.body ?? {});
  const { db, clock } = ctx.deps;
  await reviewIdentity(db, clock, {
    identityId: id,
    staffId: ctx.state.staff!.id,
    address: ctx.ip,
    decision: input.decision === 'approve' ? { approve: true } : { approve: false, reason: input.reason, note: input.note || undefined },
  });
  respondConsole(ctx, { redirect: '/support/identities', flash: input.decision === 'approve' ? 'identity.staff_approved' : 'identity.staff_rejected' });
}
