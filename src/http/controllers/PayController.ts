import { outcomeLabel } from '../operations.ts';
import type { Context } from 'koa';
import bwipjs from 'bwip-js/node';
import { z } from 'zod';
import { formatShort, parseMoney } from '../../domain/money.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { marketProfile } from '../../domain/markets/index.ts';
import type { Language } from '../../i18n.ts';
import { groupClabe, paymentDeadline, paymentEnvelope, presentChooserDeadlines, presentIntent, presentPaymentAnswer, referenceState } from '../../presenters/payments.ts';
import { findEntry } from '../../data/dictionaries.ts';
import type { PayType } from '../../services/payments/gateway.ts';
import { currentReference, intentByToken, intentClosed, referenceByCode, referenceDeadlines, referenceToPay } from '../../services/payments/intents.ts';
import { handleNotification } from '../../services/payments/notifications.ts';
import { SandboxGateway, SIGNATURE_HEADER } from '../../services/payments/sandbox.ts';
import { providerCallback } from '../middleware/body.ts';
import { respond, wantsJson } from '../respond.ts';
import { ownBase, paymentUrl, publicBase } from '../urls.ts';
import { input, validate } from '../validate.ts';

const paytypeSchema = z.object({
  paytype: z.enum(['1', '2'], { error: 'errors.paytype_invalid' }).transform((v) => Number(v) as PayType).optional(),
});

/** The intent named by the URL's token; anything else is a 404. */
async function intentOf(ctx: Context) {
  const intent = await intentByToken(ctx.deps.db, String(ctx.params.token), ctx.deps.config.session.secret);
  if (!intent) throw notFound();
  return intent;
}

/**
 * GET/POST /Pay/<token>: without `paytype`, the page to choose how to pay;
 * with it, the reference to pay (the same one while it lives, a new one once
 * it expired). Works without a session: the token names one intent.
 */
export async function show(ctx: Context): Promise<void> {
  const intent = await intentOf(ctx);
  const { paytype } = validate(paytypeSchema, input(ctx));
  const { config, clock } = ctx.deps;
  const now = clock.now().getTime();
  if (!paytype) {
    // Only a person's browser can choose on a page; a client must say which method it wants.
    if (ctx.method === 'POST' || wantsJson(ctx)) throw invalidInput({ paytype: 'errors.paytype_invalid' });
    const closed = intentClosed(intent, now);
    const deadlines = closed ? null : presentChooserDeadlines(await referenceDeadlines(ctx.deps.db, clock, config, intent), intent.expires_at);
    respond(ctx, {
      view: 'pay/choose.njk',
      data: { ...presentIntent(intent, config), ...deadlines, closed, token: ctx.params.token, payTypes: marketProfile(config.market).payTypes },
    });
    return;
  }
  const ref = await referenceToPay(ctx.deps.db, clock, config, ctx.gateway, intent, paytype, publicBase(ctx));
  const data = presentPaymentAnswer(ref, paymentUrl(ctx, intent), publicBase(ctx), config);
  respond(ctx, {
    json: paymentEnvelope(data),
    view: 'pay/reference.njk',
    data: {
      ...data,
      paytype,
      purpose: intent.purpose,
      amount: ref.amount,
      ...payee(ctx, ref.reference, paytype),
      ...deadlineOf(ref.expires_at, intent.expires_at, now),
      state: referenceState(ref, now),
      token: ctx.params.token,
      sandboxCheckout: ctx.gateway instanceof SandboxGateway ? ctx.gateway.checkoutUrl(publicBase(ctx), ref.reference) : null,
    },
    redirect: `/Pay/${ctx.params.token}?paytype=${paytype}`,
  });
}

/**
 * A transfer's payee as the bank app asks for it: the account (a CLABE
 * grouped), the bank it belongs to, the beneficiary; in India also the IFSC
 * and the UPI ID that pay into it.
 */
function payee(ctx: Context, account: string, paytype: PayType) {
  if (paytype !== 1) return {};
  const { config } = ctx.deps;
  const lang = ctx.state.lang as Language;
  const collection = marketProfile(config.market).collection;
  const grouped = groupClabe(account);
  return {
    clabeGrouped: grouped === account ? null : grouped,
    bankName: findEntry(config.market, lang, 'BANK', collection.bankCode)?.value ?? null,
    ifsc: collection.ifsc ?? null,
    upiId: collection.upiId?.(account) ?? null,
    beneficiary: config.texts[lang]?.lender ?? config.texts.en.lender,
  };
}

/** The page's one deadline (and when a new reference can still be had), with the countdown to it. */
function deadlineOf(referenceEnds: number, linkEnds: number, now: number) {
  const { deadline, renewUntil } = paymentDeadline(referenceEnds, linkEnds);
  return { expiresAt: deadline, renewUntil, secondsLeft: Math.max(0, Math.floor((deadline - now) / 1000)) };
}

/** GET /Pay/<token>/barcode.png?paytype=N: the reference as a Code128 barcode, to scan or save. */
export async function barcode(ctx: Context): Promise<void> {
  const intent = await intentOf(ctx);
  const { paytype } = validate(paytypeSchema.required(), ctx.query);
  const ref = await currentReference(ctx.deps.db, intent.id, paytype);
  if (!ref) throw notFound();
  ctx.body = await bwipjs.toBuffer({ bcid: 'code128', text: ref.reference, scale: 3, height: 14, includetext: true, paddingwidth: 8, paddingheight: 8, backgroundcolor: 'FFFFFF' });
  ctx.type = 'image/png';
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('Content-Disposition', `inline; filename="cuota-${ref.reference}.png"`);
}

/** POST /Pay/notify: a provider's signed notification; answered with what was done. */
export const notify = providerCallback((ctx, raw, headers) => {
  const { db, clock, config, logger } = ctx.deps;
  return handleNotification(db, clock, config, ctx.gateway, logger, raw, headers).then((result) => {
    ctx.metrics.paymentNotifications.inc({ outcome: outcomeLabel(result.outcome) });
    return result;
  });
});

/** The sandbox's checkout for a reference, after checking the link's signature. */
async function sandboxReference(ctx: Context): Promise<{ gateway: SandboxGateway; ref: NonNullable<Awaited<ReturnType<typeof referenceByCode>>> }> {
  const gateway = ctx.gateway;
  const ref = gateway instanceof SandboxGateway ? await referenceByCode(ctx.deps.db, String(ctx.params.reference)) : undefined;
  const sig = String(input(ctx).sig ?? '');
  if (!ref || !(gateway instanceof SandboxGateway) || sig !== gateway.checkoutSignature(ref.reference)) throw notFound();
  return { gateway, ref };
}

/** What the notification endpoint answers when it booked (or had already booked) the money. */
const BOOKED_OUTCOMES = new Set([
  'settled', 'settled_with_excess', 'partial', 'duplicate', 'extended', 'delay_applied_as_repayment', 'cancelled', 'exit_applied_as_repayment',
]);

/** GET /Pay/sandbox/<reference>: the sandbox checkout, where a tester marks a reference paid. */
export async function sandboxCheckout(ctx: Context): Promise<void> {
  const { ref } = await sandboxReference(ctx);
  respond(ctx, {
    view: 'pay/sandbox.njk',
    data: {
      reference: ref.reference,
      amount: ref.amount,
      amountPlain: formatShort(ref.amount),
      paytype: ref.paytype,
      state: referenceState(ref, ctx.deps.clock.now().getTime()),
      sig: ctx.query.sig,
      outcome: /^[a-z_]{1,40}$/.test(String(ctx.query.outcome)) ? ctx.query.outcome : null,
      booked: BOOKED_OUTCOMES.has(String(ctx.query.outcome)),
    },
  });
}

/**
 * POST /Pay/sandbox/<reference>: "mark as paid". The sandbox then notifies this
 * portal over HTTP with a signed notification, exactly as a provider would.
 */
export async function sandboxPay(ctx: Context): Promise<void> {
  const { gateway, ref } = await sandboxReference(ctx);
  // Left empty, the sandbox pays the reference's amount; anything else must be a real amount.
  const given = String(input(ctx).amount ?? '').trim();
  const asked = given ? parseMoney(given) : ref.amount;
  if (asked === null || asked <= 0 || asked > ref.amount * 100) throw invalidInput({ amount: 'errors.amount_invalid' });
  const { body, signature } = gateway.notification(ref.reference, asked);
  // Built from configuration or the bound socket, never from the request's headers (no SSRF).
  const res = await fetch(`${ownBase(ctx)}/Pay/notify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature },
    body,
  });
  const answer = (await res.json()) as { outcome: string };
  respond(ctx, {
    json: { status: res.status, outcome: answer.outcome },
    view: 'pay/sandbox.njk',
    redirect: `/Pay/sandbox/${ref.reference}?sig=${encodeURIComponent(String(input(ctx).sig))}&outcome=${answer.outcome}`,
  });
}
