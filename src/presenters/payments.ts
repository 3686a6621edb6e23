import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import type { IntentRow, ReferenceRow } from '../data/repositories/payments.ts';
import { onceClosed } from '../domain/bill.ts';
import { localParts } from '../domain/calendar.ts';
import { marketProfile } from '../domain/markets/index.ts';
import { formatPlain } from '../domain/money.ts';

const two = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DD HH:mm:ss" in the business time zone, as the spec shows `expire`. */
export function specDateTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.y}-${two(p.m)}-${two(p.d)} ${two(p.h)}:${two(p.min)}:${two(p.s)}`;
}

/**
 * The payment URL's answer for a reference: the spec's fields, absolute URLs
 * included. `path` and `origin_img` are both the barcode PNG (the spec's
 * provider keeps a copy and an original; the sandbox draws one), and `image`
 * is the method's logo as a PNG, which every Android image loader can show.
 */
export function presentReference(ref: ReferenceRow, payUrl: string, baseUrl: string, timeZone: string) {
  const barcode = `${payUrl}/barcode.png?paytype=${ref.paytype}`;
  return {
    reference: ref.reference,
    barcode: ref.barcode,
    expire: specDateTime(ref.expires_at, timeZone),
    path: barcode,
    origin_img: barcode,
    money: formatPlain(ref.amount),
    name: ref.method,
    image: `${baseUrl}/img/${ref.paytype === 1 ? 'stp' : 'paycash'}.png`,
    ...(ref.checkout_url ? { checkout: ref.checkout_url } : {}),
  };
}

/** A reference's state for people: paid, expired, or waiting to be paid. */
export function referenceState(ref: ReferenceRow, now: number): 'paid' | 'expired' | 'pending' {
  if (ref.status === 'paid') return 'paid';
  return ref.expires_at <= now ? 'expired' : 'pending';
}

/**
 * The payments of one bill for its detail page: each intent with its
 * references, newest first. Once the bill is closed, a reference nobody paid
 * shows as no longer needed rather than waiting for payment.
 */
export function presentPaymentHistory(intents: readonly IntentRow[], refs: ReferenceRow[], now: number, billClosed = false) {
  return intents.map((intent) => ({
    purpose: intent.purpose,
    amount: intent.amount,
    createdAt: intent.created_at,
    references: refs
      .filter((r) => r.intent_id === intent.id)
      .map((r) => ({
        method: r.method,
        paytype: r.paytype,
        reference: r.reference,
        amount: r.paid_amount ?? r.amount,
        state: onceClosed(referenceState(r, now), billClosed),
        at: r.paid_at ?? r.created_at,
      })),
  }));
}

/** The payment page's summary of an intent. */
export function presentIntent(intent: IntentRow, config: Pick<Config, 'timeZone'>) {
  return {
    purpose: intent.purpose,
    amount: intent.amount,
    money: formatPlain(intent.amount),
    expire: specDateTime(intent.expires_at, config.timeZone),
    expiresAt: intent.expires_at,
  };
}

/**
 * A CLABE as people copy it from a screen: 3-3-11-1 (bank, branch plaza,
 * account, check digit), the grouping Mexican banks print. Anything that is
 * not 18 digits is returned as it is.
 */
export function groupClabe(clabe: string): string {
  return /^\d{18}$/.test(clabe) ? `${clabe.slice(0, 3)} ${clabe.slice(3, 6)} ${clabe.slice(6, 17)} ${clabe.slice(17)}` : clabe;
}

/**
 * The one deadline a payment page shows: the reference's end, or the link's
 * when that comes first (past it the amount is no longer promised). `renewUntil`
 * is set only when the link outlives the reference, so the page can say a
 * new reference can be had until then.
 */
export function paymentDeadline(referenceEnds: number, linkEnds: number): { deadline: number; renewUntil: number | null } {
  return { deadline: Math.min(referenceEnds, linkEnds), renewUntil: linkEnds > referenceEnds ? linkEnds : null };
}

/**
 * The cashgox payment URL's word for success: the contract's fixed English
 * (CONTRACT.md: `{"code":200,"msg":"successful",…}`, and Repay/payTransf's
 * `message`), which the app compares as is, so it is never translated.
 */
export const PAYMENT_OK = 'successful';

/** The payment URL's JSON answer for a reference (also inside Repay/payTransf's `data`). */
export function paymentEnvelope(data: ReturnType<typeof presentPaymentAnswer>) {
  return { code: 200, msg: PAYMENT_OK, data };
}

/**
 * The method chooser's deadlines, from when each method's reference would
 * stop being payable: one `deadline` when both agree (a line under the amount),
 * otherwise one per method (a reference already issued for one of them);
 * `renewUntil` as on the reference page.
 */
export function presentChooserDeadlines(ends: Record<1 | 2, number>, linkEnds: number) {
  const byMethod = { 1: paymentDeadline(ends[1], linkEnds).deadline, 2: paymentDeadline(ends[2], linkEnds).deadline };
  const latest = Math.max(byMethod[1], byMethod[2]);
  return {
    deadline: byMethod[1] === byMethod[2] ? byMethod[1] : null,
    methodDeadlines: byMethod,
    renewUntil: paymentDeadline(latest, linkEnds).renewUntil,
  };
}

/**
 * The sandbox's Razorpay-shaped order for a transfer reference (India): the
 * fields of Razorpay's Orders API, the amount in paise, the reference as the
 * receipt. The id is derived from the reference, so asking again answers the
 * same order.
 */
export function presentRazorpayOrder(ref: ReferenceRow, currency: string) {
  const paid = ref.status === 'paid' ? (ref.paid_amount ?? ref.amount) : 0;
  return {
    id: `order_${crypto.createHash('sha256').update(ref.reference).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 14)}`,
    entity: 'order',
    amount: ref.amount,
    amount_paid: paid,
    amount_due: Math.max(0, ref.amount - paid),
    currency,
    receipt: ref.reference,
    status: ref.status === 'paid' ? 'paid' : 'created',
    attempts: 0,
    notes: { reference: ref.reference },
    created_at: Math.floor(ref.created_at / 1000),
  };
}

/** The payment URL's answer for a reference (Razorpay-shaped markets add the transfer's order). */
export function presentPaymentAnswer(ref: ReferenceRow, paymentUrl: string, base: string, config: Pick<Config, 'market' | 'timeZone' | 'currency'>) {
  const data = presentReference(ref, paymentUrl, base, config.timeZone);
  return marketProfile(config.market).gatewayOrder === 'razorpay' && ref.paytype === 1 ? { ...data, order: presentRazorpayOrder(ref, config.currency) } : data;
}
