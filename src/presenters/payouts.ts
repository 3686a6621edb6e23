// What a borrower and staff see of a payout: the amount, the masked account, when it arrived.
import type { BankAccountRow } from '../data/repositories/bank-accounts.ts';
import type { TFunction } from 'i18next';
import type { Config } from '../config.ts';
import type { PayoutListRow, PayoutRow } from '../data/repositories/payouts.ts';
import { dayOf, isoDay, localParts } from '../domain/calendar.ts';
import { formatPlain } from '../domain/money.ts';
import { maskTail } from '../domain/kyc.ts';
import { maskPhone } from '../domain/phone.ts';
import type { Language } from '../i18n.ts';
import type { Reconciliation } from '../snapshots/payouts.ts';
import { toCsv } from './csv.ts';
import { label } from './identity.ts';

/** One payout for the borrower (JSON and page): never the full account number. */
export function presentPayout(payout: PayoutRow, account: Pick<BankAccountRow, 'last4' | 'bank_code'> | undefined) {
  return {
    id: payout.id,
    attempt: payout.attempt,
    status: payout.status,
    amount: formatPlain(payout.amount),
    amount_minor: payout.amount,
    account: account ? maskTail(account.last4) : '',
    bank_code: account?.bank_code ?? '',
    reason: payout.reason ?? '',
    sent_at: payout.created_at,
    arrived_at: payout.paid_at,
    failed_at: payout.failed_at,
    returned_at: payout.returned_at,
  };
}

/** An instant as the business calendar writes it, "YYYY-MM-DD HH:mm:ss", for exports; empty when absent. */
function localStamp(ms: number | null, timeZone: string): string {
  if (ms === null) return '';
  const p = localParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.m)}-${two(p.d)} ${two(p.h)}:${two(p.min)}:${two(p.s)}`;
}

/** One payout in the console's lists: masked account, the borrower's phone, amounts in minor units for the money macro. */
function consoleRow(p: PayoutListRow, market: string, lang: Language) {
  return {
    id: p.id,
    oid: p.oid,
    attempt: p.attempt,
    phone: p.phone,
    status: p.status,
    amount: p.amount,
    account: maskTail(p.last4),
    bank: label(market, lang, 'BANK', p.bank_code),
    providerRef: p.provider_ref ?? '',
    reason: p.reason ?? '',
    refundDue: p.refund_due,
    createdAt: p.created_at,
    paidAt: p.paid_at,
    failedAt: p.failed_at,
    returnedAt: p.returned_at,
  };
}

/** The reconciliation page: days as ISO strings, amounts in minor units (the page formats them). */
export function presentReconciliation(r: Reconciliation, market: string, lang: Language) {
  return {
    byState: r.byState,
    stuck: r.stuck.map((p) => consoleRow(p, market, lang)),
    stuckMinutes: r.stuckMinutes,
    days: r.days.map((d) => ({ ...d, day: isoDay(d.day) })),
    total: r.total,
    recent: r.recent.map((p) => consoleRow(p, market, lang)),
    from: isoDay(r.fromDay),
    to: isoDay(r.toDay),
    today: isoDay(r.today),
  };
}

/**
 * The payouts export: one row per payout, money in major units with two
 * decimals ("1780.00"), instants in the business time zone, the account
 * masked to its last four digits and the phone masked; every cell is safe to
 * open in a spreadsheet (see csv.ts).
 */
export function payoutsCsv(rows: PayoutListRow[], t: TFunction, config: Pick<Config, 'timeZone' | 'market'>, lang: Language): string {
  const header = ['id', 'loan', 'attempt', 'key', 'provider', 'provider_ref', 'status', 'reason', 'amount', 'bank', 'account', 'phone', 'requested_at', 'paid_at', 'paid_day', 'failed_at', 'returned_at', 'refund_due'].map(
    (c) => t(`payout_console.csv_${c}`),
  );
  return toCsv([
    header,
    ...rows.map((p) => [
      p.id,
      p.oid,
      p.attempt,
      p.idempotency_key,
      p.provider,
      p.provider_ref,
      p.status,
      p.reason,
      formatPlain(p.amount),
      label(config.market, lang, 'BANK', p.bank_code),
      maskTail(p.last4),
      maskPhone(p.phone),
      localStamp(p.created_at, config.timeZone),
      localStamp(p.paid_at, config.timeZone),
      p.paid_at === null ? '' : isoDay(dayOf(p.paid_at, config.timeZone)),
      localStamp(p.failed_at, config.timeZone),
      localStamp(p.returned_at, config.timeZone),
      formatPlain(p.refund_due),
    ]),
  ]);
}
