// The console's payout reconciliation (admin): by state, stuck ones, per-day totals, and the CSV export.
import type { Context } from 'koa';
import { z } from 'zod';
import { type Day, isoDay, parseIsoDay } from '../../../domain/calendar.ts';
import { PAYOUT_STATES, RECONCILE_MAX_DAYS } from '../../../domain/payouts.ts';
import { payoutsCsv, presentReconciliation } from '../../../presenters/payouts.ts';
import { audit } from '../../../services/audit.ts';
import { businessToday, payoutsForExport, reconcilePayouts } from '../../../services/payouts/reconciliation.ts';
import { renderPage } from '../../respond.ts';
import { invalidInput } from '../../../errors.ts';
import { maskToken } from '../../tokens.ts';
import { validate } from '../../validate.ts';

const day = z
  .string()
  .trim()
  .optional()
  .refine((v) => !v || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(parseIsoDay(v)) && isoDay(parseIsoDay(v)) === v), 'errors.payout_range');

const rangeSchema = z.object({
  from: day,
  to: day,
  status: z.union([z.literal('').transform(() => undefined), z.enum(PAYOUT_STATES, { error: 'errors.invalid_input' })]).optional(),
});

/**
 * The asked business days (inclusive), by default the two weeks up to today;
 * a range that runs backwards or spans more than RECONCILE_MAX_DAYS is refused.
 */
function range(ctx: Context, asked: { from?: string; to?: string }): { fromDay: Day; toDay: Day } {
  const toDay = asked.to ? parseIsoDay(asked.to) : businessToday(ctx.deps.clock, ctx.deps.config);
  const fromDay = asked.from ? parseIsoDay(asked.from) : toDay - 13;
  if (fromDay > toDay || toDay - fromDay >= RECONCILE_MAX_DAYS) throw invalidInput({ from: 'errors.payout_range' });
  return { fromDay, toDay };
}

async function model(ctx: Context, asked: { from?: string; to?: string; status?: (typeof PAYOUT_STATES)[number] }) {
  const { db, clock, config } = ctx.deps;
  const r = await reconcilePayouts(db, clock, config, range(ctx, asked), asked.status);
  return { ...presentReconciliation(r, config.market, ctx.state.lang), status: asked.status ?? '' };
}

const page = (ctx: Context, data: Record<string, unknown>) =>
  renderPage(ctx, 'support/payouts.njk', { ...data, staff: ctx.state.staff, staffCsrf: ctx.state.staffCsrf && maskToken(ctx.state.staffCsrf) });

/** The reconciliation page for the default range: what a refused range re-renders around its form (declared in routes.ts). */
export const rangeFormModel = async (ctx: Context) => ({ ...(await model(ctx, {})), staff: ctx.state.staff, staffCsrf: ctx.state.staffCsrf && maskToken(ctx.state.staffCsrf) });

/** GET /support/payouts?from=&to=&status= (admin): payouts by state, the stuck ones, and per-day totals to hold against the provider's statement. */
export async function reconciliation(ctx: Context): Promise<void> {
  const values = { from: ctx.query.from, to: ctx.query.to, status: ctx.query.status };
  const asked = validate(rangeSchema, values);
  page(ctx, await model(ctx, asked));
}

/** GET /support/payouts/csv?from=&to= (admin): every payout that moved in the range, as CSV. Audited (it holds phones and accounts, masked). */
export async function exportCsv(ctx: Context): Promise<void> {
  const values = { from: ctx.query.from, to: ctx.query.to };
  const asked = validate(rangeSchema, values);
  const { db, clock, config } = ctx.deps;
  const r = range(ctx, asked);
  const rows = await payoutsForExport(db, config, r);
  await audit(db, clock, { staffId: ctx.state.staff!.id, action: 'export_payouts', subject: `payouts:${isoDay(r.fromDay)}..${isoDay(r.toDay)}`, address: ctx.ip, detail: { count: rows.length } });
  ctx.body = '\uFEFF' + payoutsCsv(rows, ctx.state.t, config, ctx.state.lang);
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="cuota-payouts-${isoDay(r.fromDay)}-${isoDay(r.toDay)}.csv"`);
  ctx.set('Cache-Control', 'private, no-store');
}
