import type { TFunction } from 'i18next';
import type { Config } from '../config.ts';
import type { LoanRow } from '../data/repositories/loans.ts';
import { type Day, isoDay, startOfDay } from '../domain/calendar.ts';
import { annualCost } from '../domain/cost.ts';
import type { ExitQuote } from '../domain/exit.ts';
import { keyFactFigures } from '../domain/fees.ts';
import { formatPlain } from '../domain/money.ts';
import { maskPhone } from '../domain/phone.ts';
import type { CertificateFacts, DisbursementFacts, ReceiptFacts } from '../snapshots/documents.ts';
import { maskTail } from '../domain/kyc.ts';
import { PAYOUT_STATES } from '../domain/loan-status.ts';
import { label } from './identity.ts';
import type { ComplaintRow } from '../data/repositories/complaints.ts';
import type { PayoutRow } from '../data/repositories/payouts.ts';
import type { ComplaintThread } from '../snapshots/complaints.ts';
import type { Formatters } from './format.ts';
import type { LoanSnapshot } from '../snapshots/loans.ts';

type ProtectionConfig = Pick<Config, 'protection' | 'delayMax' | 'delayMode' | 'timeZone' | 'payments'> & Partial<Pick<Config, 'texts'>>;
/** The lender's name as the page's language writes it (config `LENDER_NAME` / `LENDER_NAME_ES`). */
const lenderName = (config: ProtectionConfig, fmt: Formatters) => config.texts?.[fmt.lang]?.lender ?? config.protection.lender;
const secs = (ms: number) => Math.floor(ms / 1000);
const DAY_MS = 86_400_000;

/**
 * The key facts statement of a loan, from the loan's own frozen rates: what
 * the confirmation page shows before the borrower commits and the loan detail
 * page keeps showing afterwards. Every amount comes from the domain code the
 * bill uses; the annual cost is worked out from the same amounts.
 */
export function presentKeyFacts(config: ProtectionConfig, loan: LoanRow, dueDay: Day) {
  const figures = keyFactFigures({
    principal: loan.principal,
    received: loan.received,
    repayInterest: loan.repay_interest,
    termDays: loan.term_days,
    loanRatePpm: loan.loan_rate_ppm,
    overdueCapPpm: loan.overdue_cap_ppm,
    overdueRatePpm: loan.overdue_rate_ppm,
  });
  const cost = annualCost(loan.received, figures.amountDue, loan.term_days);
  const { grievance, escalation } = config.protection;
  return {
    version: loan.kfs_version ?? config.protection.kfsVersion,
    acknowledgedAt: loan.kfs_ack_at,
    /** When the provider confirmed the money arrived (the term counts from it); null before, and while a returned payout is being sent again. */
    arrivedAt: PAYOUT_STATES.includes(loan.status) ? null : loan.disbursed_at,
    oid: loan.oid,
    principal: loan.principal,
    fee: loan.fee,
    received: loan.received,
    repayInterest: loan.repay_interest,
    amountDue: figures.amountDue,
    totalCost: figures.totalCost,
    term: loan.term_days,
    dueDay: isoDay(dueDay),
    overdueRate: loan.overdue_rate_ppm / 1_000_000,
    overduePerDay: figures.overduePerDay,
    overdueCap: figures.overdueCap,
    extensionFee: figures.extensionFee,
    extensionDays: loan.term_days,
    // The loan's product version's limit; DELAY_MAX for a loan made before products.
    extensionMax: loan.delay_max ?? config.delayMax,
    /** DELAY_MODE=on_bill: an extension is added to what is owed instead of paid first. */
    extensionOnBill: config.delayMode === 'on_bill',
    apr: cost.apr,
    cat: cost.cat,
    coolingOffDays: config.protection.coolingOffDays,
    /** How long a payment link keeps the amount it shows (paying it in that time settles what it promised). */
    quoteHoldsHours: config.payments.intentMs / 3_600_000,
    grievance,
    escalation,
  };
}

/** The key facts as the app's JSON carries them: amounts as the spec's decimal strings, rates as fractions. */
export function keyFactsJson(k: ReturnType<typeof presentKeyFacts>) {
  const money = (v: number) => formatPlain(v);
  return {
    ...k,
    principal: money(k.principal),
    fee: money(k.fee),
    received: money(k.received),
    repayInterest: money(k.repayInterest),
    amountDue: money(k.amountDue),
    totalCost: money(k.totalCost),
    overduePerDay: money(k.overduePerDay),
    overdueCap: money(k.overdueCap),
    extensionFee: money(k.extensionFee),
    acknowledgedAt: k.acknowledgedAt === null ? null : secs(k.acknowledgedAt),
    arrivedAt: k.arrivedAt === null ? null : secs(k.arrivedAt),
  };
}

/** The cooling-off offer on the loan detail page and its own page. */
export function presentExit(q: ExitQuote) {
  return { daysHeld: q.daysHeld, interest: q.interest, amount: q.amount, waived: q.waived, lastDay: isoDay(q.lastDay), refusal: q.refusal };
}

/** Repay/exit's JSON: the offer with amounts as the spec's decimal strings and the refusal in words. */
export function exitJson(oid: string, e: ReturnType<typeof presentExit>, t: TFunction) {
  return {
    oid,
    amount: formatPlain(e.amount),
    interest: formatPlain(e.interest),
    waived: formatPlain(e.waived),
    days_held: e.daysHeld,
    last_day: e.lastDay,
    refusal: e.refusal && t(e.refusal),
  };
}

export interface TimelineEvent {
  kind:
    | 'applied'
    | 'confirmed'
    | 'disbursed'
    | 'rejected'
    | 'payment'
    | 'extension'
    | 'exit'
    | 'overdue'
    | 'repaid'
    | 'cancelled'
    | 'payout_requested'
    | 'payout_retried'
    | 'payout_failed'
    | 'payout_arrived'
    | 'payout_returned';
  at: number;
  amount?: number;
  days?: number;
  receiptId?: number;
}

/**
 * A loan's history, oldest first: what happened and when, each payment with
 * its receipt, and each payout attempt (requested, retried, failed, arrived,
 * returned). Loans paid out before payouts existed show one "disbursed".
 */
export function presentTimeline(
  current: LoanSnapshot,
  settlements: ReadonlyArray<ReceiptFacts['settlement']>,
  now: Date,
  timeZone: string,
  payouts: ReadonlyArray<Pick<PayoutRow, 'attempt' | 'amount' | 'created_at' | 'paid_at' | 'failed_at' | 'returned_at'>> = [],
): TimelineEvent[] {
  const { loan, state, dueDay } = current;
  const events: TimelineEvent[] = [{ kind: 'applied', at: loan.created_at }];
  if (loan.confirmed_at) events.push({ kind: 'confirmed', at: loan.confirmed_at });
  if (loan.status === 'rejected' && loan.decided_at) events.push({ kind: 'rejected', at: loan.decided_at });
  if (loan.disbursed_at && payouts.length === 0) events.push({ kind: 'disbursed', at: loan.disbursed_at, amount: loan.received });
  for (const p of payouts) {
    events.push({ kind: p.attempt === 1 ? 'payout_requested' : 'payout_retried', at: p.created_at, amount: p.amount });
    if (p.failed_at !== null) events.push({ kind: 'payout_failed', at: p.failed_at });
    if (p.paid_at !== null) events.push({ kind: 'payout_arrived', at: p.paid_at, amount: p.amount });
    if (p.returned_at !== null) events.push({ kind: 'payout_returned', at: p.returned_at, amount: p.amount });
  }
  for (const s of settlements) {
    const kind = s.purpose === 'delay' ? 'extension' : s.purpose === 'exit' ? 'exit' : 'payment';
    events.push({ kind, at: s.settled_at, amount: s.amount, receiptId: s.id });
  }
  if (state && state.overdueDays > 0) {
    // Overdue since the morning after the due day, still running today.
    events.push({ kind: 'overdue', at: Math.min(now.getTime(), startOfDay(dueDay + 1, timeZone)), days: state.overdueDays });
  }
  if (loan.repaid_at) events.push({ kind: 'repaid', at: loan.repaid_at });
  if (loan.cancelled_at) events.push({ kind: 'cancelled', at: loan.cancelled_at });
  return events.sort((a, b) => a.at - b.at);
}

/** A printable document: a title, label/value rows and a closing line, in the reader's language. */
export interface PrintedDocument {
  filename: string;
  title: string;
  lender: string;
  rows: Array<{ label: string; value: string }>;
  note: string;
}

const methodName = (t: TFunction, f: ReceiptFacts) =>
  f.reference ? t(`pay.via_${f.reference.paytype}`) : t(`receipt.source_${f.settlement.source === 'proof' ? 'proof' : 'other'}`);

/** A settled payment's receipt: the page, the PDF and the JSON from the same facts. */
export function presentReceipt(config: ProtectionConfig, t: TFunction, fmt: Formatters, f: ReceiptFacts) {
  const s = f.settlement;
  const number = `R-${String(s.id).padStart(8, '0')}`;
  const document: PrintedDocument = {
    filename: `cuota-receipt-${number}.pdf`,
    title: t('receipt.title'),
    lender: lenderName(config, fmt),
    rows: [
      { label: t('receipt.number'), value: number },
      { label: t('receipt.borrower'), value: maskPhone(f.phone) },
      { label: t('receipt.loan'), value: f.loan.oid },
      { label: t('receipt.purpose'), value: t(`receipt.purpose_${s.purpose}`) },
      { label: t('receipt.amount'), value: fmt.money(s.amount) },
      { label: t('receipt.method'), value: methodName(t, f) },
      { label: t('receipt.reference'), value: s.reference },
      { label: t('receipt.paid_at'), value: fmt.dateTime(s.settled_at) },
      // A repayment that paid for extensions put on the bill (DELAY_MODE=on_bill) says how much of it did.
      ...(s.purpose === 'repay' && s.delay_part > 0 ? [{ label: t('receipt.delay_part'), value: fmt.money(s.delay_part) }] : []),
      { label: t('receipt.left_to_pay'), value: fmt.money(f.leftAfter) },
    ],
    note: t('receipt.note', { lender: lenderName(config, fmt) }),
  };
  return {
    document,
    json: {
      number,
      lender: lenderName(config, fmt),
      phone: maskPhone(f.phone),
      oid: f.loan.oid,
      purpose: s.purpose,
      amount: formatPlain(s.amount),
      method: methodName(t, f),
      reference: s.reference,
      paid_at: secs(s.settled_at),
      left_to_pay: formatPlain(f.leftAfter),
      parts: {
        overdue: formatPlain(s.overdue_part),
        interest: formatPlain(s.interest_part),
        delay: formatPlain(s.delay_part),
        principal: formatPlain(s.principal_part),
        excess: formatPlain(s.excess),
      },
    },
    id: s.id,
    oid: f.loan.oid,
  };
}

/** A closed loan's no-dues certificate: the page, the PDF and the JSON from the same facts. */
export function presentCertificate(config: ProtectionConfig, t: TFunction, fmt: Formatters, f: CertificateFacts) {
  const how = f.loan.status === 'cancelled' ? 'cancelled' : 'repaid';
  const document: PrintedDocument = {
    filename: `cuota-no-dues-${f.loan.oid}.pdf`,
    title: t('certificate.title'),
    lender: lenderName(config, fmt),
    rows: [
      { label: t('receipt.borrower'), value: maskPhone(f.phone) },
      { label: t('receipt.loan'), value: f.loan.oid },
      { label: t('loan.amount'), value: fmt.money(f.loan.principal) },
      { label: t('certificate.disbursed'), value: f.loan.disbursed_at ? fmt.dateTime(f.loan.disbursed_at) : '—' },
      { label: t('certificate.paid_total'), value: fmt.money(f.paidTotal) },
      { label: t(`certificate.closed_${how}`), value: fmt.dateTime(f.closedAt) },
      { label: t('receipt.left_to_pay'), value: fmt.money(0) },
    ],
    note: t('certificate.statement', { lender: lenderName(config, fmt), oid: f.loan.oid }),
  };
  return {
    document,
    json: {
      lender: lenderName(config, fmt),
      phone: maskPhone(f.phone),
      oid: f.loan.oid,
      closed: how,
      closed_at: secs(f.closedAt),
      paid_total: formatPlain(f.paidTotal),
      left_to_pay: '0.00',
    },
    oid: f.loan.oid,
  };
}

/**
 * A disbursement receipt (the loan's money sent to the borrower): the page,
 * the PDF and the JSON from the same facts; the account only as its last
 * four digits.
 */
export function presentDisbursement(config: ProtectionConfig & Pick<Config, 'market'>, t: TFunction, fmt: Formatters, f: DisbursementFacts) {
  const p = f.payout;
  const number = `D-${String(p.id).padStart(8, '0')}`;
  const bank = label(config.market, fmt.lang, 'BANK', f.account.bank_code);
  const account = maskTail(f.account.last4);
  const arrivedAt = p.paid_at!;
  const document: PrintedDocument = {
    filename: `cuota-disbursement-${f.loan.oid}.pdf`,
    title: t('disbursement.title'),
    lender: lenderName(config, fmt),
    rows: [
      { label: t('receipt.number'), value: number },
      { label: t('receipt.borrower'), value: maskPhone(f.phone) },
      { label: t('receipt.loan'), value: f.loan.oid },
      { label: t('disbursement.amount'), value: fmt.money(p.amount) },
      { label: t('disbursement.bank'), value: bank },
      { label: t('disbursement.account'), value: account },
      { label: t('disbursement.provider_ref'), value: p.provider_ref ?? '—' },
      { label: t('disbursement.requested_at'), value: fmt.dateTime(p.created_at) },
      { label: t('disbursement.arrived_at'), value: fmt.dateTime(arrivedAt) },
    ],
    note: t('disbursement.note', { lender: lenderName(config, fmt) }),
  };
  return {
    document,
    json: {
      number,
      lender: lenderName(config, fmt),
      phone: maskPhone(f.phone),
      oid: f.loan.oid,
      amount: formatPlain(p.amount),
      bank,
      bank_code: f.account.bank_code,
      account,
      provider_ref: p.provider_ref ?? '',
      requested_at: secs(p.created_at),
      arrived_at: secs(arrivedAt),
    },
    oid: f.loan.oid,
  };
}

/** The escalation notice is due once a complaint has waited this long without being closed. */
function escalationDue(config: ProtectionConfig, complaint: ComplaintRow, now: Date): boolean {
  return complaint.status !== 'closed' && now.getTime() - complaint.created_at >= config.protection.escalation.afterDays * DAY_MS;
}

/** A complaint in a list: number, topic, state, age in days. */
export function presentComplaintRow(config: ProtectionConfig, c: ComplaintRow, now: Date) {
  return {
    number: c.number,
    topic: c.topic,
    status: c.status,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    ageDays: Math.floor((now.getTime() - c.created_at) / DAY_MS),
    escalate: escalationDue(config, c, now),
  };
}

/** One complaint with its messages, for the borrower's page and JSON. */
export function presentComplaint(config: ProtectionConfig, thread: ComplaintThread, now: Date) {
  return {
    ...presentComplaintRow(config, thread.complaint, now),
    messages: thread.messages.map((m) => ({ author: m.author, body: m.body, at: m.created_at })),
    escalation: config.protection.escalation,
  };
}
