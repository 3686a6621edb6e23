import type { Context } from 'koa';
import { z } from 'zod';
import { isoDay } from '../../domain/calendar.ts';
import { AppError, invalidInput, notFound } from '../../errors.ts';
import type { LoanSnapshot } from '../../snapshots/loans.ts';
import { presentBillForPage, presentDelay, presentLoanDelay, presentLoanDetail, presentOrders } from '../../presenters/loans.ts';
import { presentPaymentHistory } from '../../presenters/payments.ts';
import { presentProofsForBorrower } from '../../presenters/proofs.ts';
import type { PayType } from '../../services/payments/gateway.ts';
import { extensionToPay, intentByToken, openIntent, ownBill, paymentsOfBill, referenceToPay } from '../../services/payments/intents.ts';
import { proofsOfBill, submitProof } from '../../services/proofs.ts';
import { delayMaxOf, quoteDelay, quoteExit } from '../../services/settlement.ts';
import { exitJson, presentExit, presentTimeline } from '../../presenters/protection.ts';
import { storeUpload } from '../../services/uploads.ts';
import { extendBillOnCredit } from '../../services/extensions.ts';
import { loanDetailPath, paymentUrl, publicBase, uploadReference } from '../urls.ts';
import { PAYMENT_OK, paymentEnvelope, presentPaymentAnswer } from '../../presenters/payments.ts';
import { presentVisitorLoans } from '../../presenters/product.ts';
import { asConfigProduct } from '../../presenters/products.ts';
import { productForVisitors, productsOffered } from '../../services/products.ts';
import { allLoans, ownLoanDetail } from '../../services/loan-reads.ts';
import { ownScope } from '../actor.ts';
import { respond, wantsJson } from '../respond.ts';
import { input, isRowId, oidField, validate } from '../validate.ts';
import { homeModel } from '../../presenters/home.ts';

/**
 * GET /Repay/loans and the home page /Repay/index.shtml. Visitors get the
 * default product (status -100); a borrower gets their newest loan and bill.
 * The page also offers a quote for `money`/`time` (works without JavaScript).
 */
export async function loans(ctx: Context): Promise<void> {
  const { borrower } = ctx.state;
  if (!borrower) {
    const { config, db, clock } = ctx.deps;
    const data = presentVisitorLoans(asConfigProduct(config, await productForVisitors(db, clock, config)));
    respond(ctx, { view: 'repay/index.njk', data, message: 'messages.visitor_quota' });
    return;
  }
  const { data, page } = await homeModel(ctx);
  respond(ctx, { view: 'repay/index.njk', data, message: 'messages.successfully', page });
}

/** GET/POST /Repay/orders (auth): the borrower's loans, newest first. */
export async function orders(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const snapshots = await allLoans(db, clock, config, ownScope(ctx, 'read', 'loan'));
  // next_loan_period describes the product the borrower would be offered first.
  const offered = await productsOffered(db, clock, config, borrower.id);
  respond(ctx, {
    view: 'repay/orders.njk',
    data: presentOrders({ ...config, product: asConfigProduct(config, offered[0]) }, borrower, snapshots),
    message: 'messages.successfully',
    page: () => ({ loans: snapshots.map((s) => presentBillForPage(config, s, clock.now())) }),
  });
}

const detailSchema = z.object({ oid: oidField, next: z.string().optional() });

/**
 * GET/POST /Repay/loanDetail (auth): one of the borrower's own bills in full,
 * with its payments; `next=delay` adds what an extension would cost and do.
 */
export async function loanDetail(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const request = validate(detailSchema, input(ctx));
  const { current, settlements, payouts } = await ownLoanDetail(db, clock, config, ownScope(ctx, 'read', 'loan'), request.oid);
  const closed = current.bill!.status !== 'open';
  const payments = await paymentHistory(ctx, current.bill!.id, closed);
  const proofs = await proofsOfBill(db, current.bill!.id);
  const exit = await quoteExit(db, current.bill!, current.loan, clock.now(), config);
  respond(ctx, {
    view: 'repay/detail.njk',
    data: { ...presentLoanDetail(config, current, proofs[0]), ...(request.next === 'delay' ? delayPreview(ctx, current) : {}) },
    message: 'messages.successfully',
    page: () => ({
      current: presentBillForPage(config, current, clock.now(), settlements),
      payments,
      proofs: presentProofsForBorrower(proofs, closed),
      exit: presentExit(exit),
      timeline: presentTimeline(current, settlements, clock.now(), config.timeZone, payouts),
    }),
  });
}

/** What loanDetail adds for `next=delay`: the extension's fee and the due day it would give (refused in JSON when none can be bought). */
function delayPreview(ctx: Context, current: LoanSnapshot) {
  const { config, clock } = ctx.deps;
  const q = quoteDelay(current.bill!, current.loan, clock.now(), config);
  refuseDelayForApp(ctx, q.refusal);
  const { delayFee, nextRepayDatetime, nextRepayDay } = presentDelay(config, q);
  return { delayFee, nextRepayDatetime, nextRepayDay };
}

/**
 * An app asking about an extension that cannot be bought (repaid, limit
 * reached, too late) gets the reason in the envelope (409), never a quote
 * with a due day in the past; the page shows the same reason in place.
 */
function refuseDelayForApp(ctx: Context, refusal: string | null): void {
  if (refusal && wantsJson(ctx)) throw new AppError(409, 'delay_refused', refusal);
}

async function paymentHistory(ctx: Context, billId: number, billClosed: boolean) {
  const { intents, references } = await paymentsOfBill(ctx.deps.db, billId);
  return presentPaymentHistory(intents, references, ctx.deps.clock.now().getTime(), billClosed);
}

/**
 * GET/POST /Repay/loanDelay (auth): the extension page. `needRepayMoney` is
 * what the extension costs now; the page explains that it does not reduce
 * what is owed, and why it is refused when it is.
 */
export async function loanDelay(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const request = validate(detailSchema, input(ctx));
  const { current } = await ownLoanDetail(db, clock, config, ownScope(ctx, 'read', 'loan'), request.oid);
  const q = quoteDelay(current.bill!, current.loan, clock.now(), config);
  refuseDelayForApp(ctx, q.refusal);
  const proofs = await proofsOfBill(db, current.bill!.id);
  respond(ctx, {
    view: 'repay/delay.njk',
    data: presentLoanDelay(config, current, q, proofs[0]),
    message: 'messages.successfully',
    page: () => ({
      current: presentBillForPage(config, current, clock.now()),
      quote: { ...q, newDueDay: isoDay(q.newDueDay) },
      refusal: q.refusal,
      delaysUsed: current.bill!.delay_count,
      billId: current.bill!.id,
      onBill: config.delayMode === 'on_bill',
      delaysAllowed: delayMaxOf(current.loan, config),
      term: current.loan.term_days,
    }),
  });
}

const payDataSchema = z.object({ oid: oidField, next: z.string().optional() });

/** POST /Repay/payData (auth): freezes what to pay now and answers the payment URL (a page goes there). */
export async function payData(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const request = validate(payDataSchema, input(ctx));
  const owned = await ownBill(db, ctx.state.borrower!.id, { oid: request.oid });
  const intent = await openIntent(db, clock, config, owned, request.next === 'delay' ? 'delay' : 'repay');
  const url = paymentUrl(ctx, intent);
  respond(ctx, { json: { status: 200, data: url }, redirect: url });
}

/**
 * GET /Repay/exit?oid= (auth): the cooling-off offer on its own (what
 * returning the loan costs now and until when, or why it is not offered).
 */
export async function exitOffer(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const request = validate(detailSchema, input(ctx));
  const { current } = await ownLoanDetail(db, clock, config, ownScope(ctx, 'read', 'loan'), request.oid);
  const q = presentExit(await quoteExit(db, current.bill!, current.loan, clock.now(), config));
  respond(ctx, {
    view: 'repay/exit.njk',
    data: exitJson(current.loan.oid, q, ctx.state.t),
    message: 'messages.successfully',
    page: () => ({ current: presentBillForPage(config, current, clock.now()), exit: q }),
  });
}

/**
 * POST /Repay/exit (auth): returns the loan within the cooling-off days. It
 * freezes the exit amount in a payment intent (purpose `exit`) and answers its
 * payment URL, exactly as Repay/payData does for a repayment.
 */
export async function exit(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const request = validate(payDataSchema, input(ctx));
  const owned = await ownBill(db, ctx.state.borrower!.id, { oid: request.oid });
  const intent = await openIntent(db, clock, config, owned, 'exit');
  const url = paymentUrl(ctx, intent);
  respond(ctx, { json: { status: 200, data: url }, redirect: url });
}

const payTransfSchema = z.object({
  paytype: z.enum(['1', '2'], { error: 'errors.paytype_invalid' }).transform((v) => Number(v) as PayType),
  url: z.string({ error: 'errors.pay_url_invalid' }).max(500, 'errors.pay_url_invalid'),
});

/**
 * POST /Repay/payTransf (auth): the payment URL's answer, for this site's
 * payment URL of the session's own order only.
 */
export async function payTransf(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const request = validate(payTransfSchema, input(ctx));
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw invalidInput({ url: 'errors.pay_url_invalid' });
  }
  const token = /^\/pay\/([^/]+)$/i.exec(url.pathname)?.[1];
  if (url.origin !== new URL(publicBase(ctx)).origin || !token) throw invalidInput({ url: 'errors.pay_url_invalid' });
  const intent = await intentByToken(db, token, config.session.secret);
  if (!intent || intent.borrower_id !== ownScope(ctx, 'read', 'loan')) throw notFound();
  const ref = await referenceToPay(db, clock, config, ctx.gateway, intent, request.paytype, publicBase(ctx));
  const data = presentPaymentAnswer(ref, paymentUrl(ctx, intent), publicBase(ctx), config);
  respond(ctx, {
    json: { status: 200, data: paymentEnvelope(data), message: PAYMENT_OK },
    redirect: `${url.pathname}?paytype=${request.paytype}`,
  });
}

const ajaxDelaySchema = z.object({
  oid: z.string({ error: 'errors.oid_required' }).regex(/^\d{1,12}$/, 'errors.oid_required'),
});

/**
 * POST /Repay/ajaxDelay (auth), `oid` = the bill id. DELAY_MODE=prepaid: 200
 * "Deferred success" when a new extension moved the due day since it last said
 * so; otherwise 402 with the payment URL for the next one (an extension is
 * bought, never granted on credit). DELAY_MODE=on_bill: as the spec, the due day moves now
 * and the price is added to the bill. Either way an extension that cannot be
 * had (repaid bill, limit, too late) answers 409 with the reason.
 */
export async function ajaxDelay(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const request = validate(ajaxDelaySchema, input(ctx));
  // A number no bill row can have (0, or past the keys) names no bill: the same 404 as another borrower's.
  if (!isRowId(request.oid)) throw notFound();
  const owned = await ownBill(db, ctx.state.borrower!.id, { billId: Number(request.oid) });
  const deferred = {
    json: { status: 200, data: '', message: ctx.state.t('messages.deferred_success') },
    redirect: `/Repay/loanDetail?oid=${owned.loan.oid}`,
    flash: 'messages.deferred_success',
  };
  if (owned.bill.status !== 'open') throw new AppError(409, 'delay_refused', 'errors.delay_repaid');
  if (config.delayMode === 'on_bill') {
    await extendBillOnCredit(db, clock, config, owned.bill.id);
    respond(ctx, deferred);
    return;
  }
  const intent = await extensionToPay(db, clock, config, owned);
  if (!intent) {
    respond(ctx, deferred);
    return;
  }
  const url = paymentUrl(ctx, intent);
  respond(ctx, {
    status: 402,
    json: { status: 402, data: url, message: ctx.state.t('messages.delay_payment_required') },
    redirect: url,
  });
}

const proofSchema = z.object({
  oid: oidField,
  utr: z.string().trim().max(40, 'errors.utr_invalid').optional(),
  utr_image: z.string().trim().max(64, 'errors.image_not_yours').optional(),
  repay_image: z.string().trim().max(64, 'errors.image_not_yours').optional(),
});

/**
 * POST /Repay/repayProof (auth): a UTR and/or screenshots for a bill. The app
 * sends upload paths from Info/ajaxUpload; the page's plain form may send the
 * images themselves (multipart), which are stored the same way first.
 */
export async function repayProof(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const raw = ctx.state.multipart?.fields ?? input(ctx);
  const fields: Record<string, unknown> = { ...raw, utr_image: uploadReference(ctx, raw.utr_image), repay_image: uploadReference(ctx, raw.repay_image) };
  for (const file of ctx.state.multipart?.files ?? []) {
    if ((file.field === 'utr_image' || file.field === 'repay_image') && file.bytes > 0) {
      fields[file.field] = (await storeUpload(db, clock, config, { borrowerId: borrower.id, file: file.data, sha256: file.sha256 })).path;
    }
  }
  const request = validate(proofSchema, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === '' ? undefined : v])));
  await submitProof(db, clock, config, borrower.id, request);
  respond(ctx, {
    json: { info: ctx.state.t('messages.proof_successful'), status: 1, url: '' },
    redirect: typeof raw.oid === 'string' ? loanDetailPath(raw.oid) : '/Repay/index.shtml',
    flash: 'messages.proof_received',
  });
}
