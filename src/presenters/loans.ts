import type { Config } from '../config.ts';
import type { BorrowerRow } from '../data/repositories/borrowers.ts';
import type { SettlementRow } from '../data/repositories/settlements.ts';
import type { DelayQuote } from '../domain/delay.ts';
import { dayOf, formatDay, isoDay, startOfDay } from '../domain/calendar.ts';
import { availableQuota, extensionFee, type Quote } from '../domain/fees.ts';
import { formatPlain, formatShort, type Minor } from '../domain/money.ts';
import { appStatus, OPEN_STATES } from '../domain/loan-status.ts';
import { productDefaults } from './product.ts';
import type { Formatters } from './format.ts';
import type { LoanSnapshot } from '../snapshots/loans.ts';

type PresentConfig = Pick<Config, 'product' | 'timeZone'>;

/** Minor units as the spec's numbers: 5252, 848.4. */
const units = (minor: Minor) => minor / 100;
const secs = (ms: number) => Math.floor(ms / 1000);
/** A rate as the spec's eight-decimal string: "0.00720000". */
const rate8 = (ppm: number) => `${Math.trunc(ppm / 1_000_000)}.${String(ppm % 1_000_000).padStart(6, '0')}00`;

/** What the borrower may borrow next, as the spec's `next_loan` fields. */
function nextLoan(borrower: BorrowerRow, product: Config['product'], hasOpenLoan: boolean) {
  return {
    next_loan: formatShort(borrower.quota),
    approval_rate: hasOpenLoan ? '0.00' : '1.00',
    next_loan_period: String(product.defaultTerm),
  };
}

/** The spec's Repay/loans answer for a signed-in borrower: every key of the spec's example in every loan state. */
export function presentBorrowerLoans(config: PresentConfig, borrower: BorrowerRow, current: LoanSnapshot | undefined, now: Date) {
  const { product, timeZone } = config;
  const open = Boolean(current && OPEN_STATES.includes(current.loan.status));
  const base = {
    doquota: formatPlain(availableQuota(borrower.quota, open ? current!.loan.principal : null)),
    commission: 0,
    quota: formatPlain(borrower.quota),
    ...productDefaults(product),
    ...nextLoan(borrower, product, open),
  };
  if (!current) {
    // Nothing borrowed yet: zero values of the example's types, and the due day a loan of the default term taken today would get.
    const dueDay = dayOf(now.getTime(), timeZone) + product.defaultTerm;
    return {
      money: 0,
      repay_money: 0,
      addtime: '0',
      repayment_time: 0,
      loan_time: '0',
      billId: '0',
      confirm: 1,
      serviceFee: 0,
      bill: { id: '0', toid: '0', oid: '0', delay: '0', delay_day: '0', repay_interest: '0.00', repayment_time: '0', add_time: '0', money: '0.00' },
      hasOverdue: false,
      nextRepayDay: formatDay(dueDay),
      delayFee: 0,
      ...base,
      status: appStatus(undefined, undefined),
      loan_status: 'none',
    };
  }
  const { loan, bill, state, dueDay } = current;
  const dueAt = secs(startOfDay(dueDay, timeZone));
  return {
    money: units(loan.principal),
    repay_money: units(loan.principal + loan.repay_interest + (bill?.delay_unpaid ?? 0)),
    addtime: String(secs(loan.created_at)),
    repayment_time: dueAt,
    loan_time: String(loan.term_days),
    billId: bill ? String(bill.id) : '0',
    confirm: loan.status === 'awaiting_confirmation' ? 0 : 1,
    serviceFee: units(loan.fee),
    // Before disbursement (and after a rejection) the bill is the loan's figures under id "0": never null.
    bill: {
      id: bill ? String(bill.id) : '0',
      toid: String(loan.id),
      oid: loan.oid,
      delay: bill && bill.delay_count > 0 ? '1' : '0',
      delay_day: String(bill?.delay_days ?? 0),
      repay_interest: formatPlain(bill?.repay_interest ?? loan.repay_interest),
      repayment_time: String(dueAt),
      add_time: String(bill ? secs(bill.created_at) : 0),
      money: formatPlain(bill?.principal ?? loan.principal),
    },
    hasOverdue: (state?.overdueDays ?? 0) > 0,
    nextRepayDay: formatDay(dueDay),
    delayFee: units(extensionFee(loan.principal, loan.loan_rate_ppm, loan.term_days)),
    ...base,
    status: appStatus(loan.status, state),
    loan_status: loan.status,
    oid: loan.oid,
    ...(loan.status === 'rejected' && loan.reapply_at ? { reapply_day: formatDay(dayOf(loan.reapply_at, timeZone)) } : {}),
  };
}

/** Repay/orders: the borrower's disbursed loans, newest first, as the spec lists them. */
export function presentOrders(config: PresentConfig, borrower: BorrowerRow, snapshots: LoanSnapshot[]) {
  const open = snapshots.some((s) => OPEN_STATES.includes(s.loan.status));
  const next = nextLoan(borrower, config.product, open);
  return {
    orders: snapshots
      .filter((s) => s.bill && s.state)
      .map(({ loan, bill, state, dueDay }) => ({
        id: String(loan.id),
        oid: loan.oid,
        time: String(loan.term_days),
        interest: formatPlain(loan.fee),
        reply_rate: rate8(loan.repay_rate_ppm),
        start_time: String(secs(startOfDay(bill!.start_day, config.timeZone))),
        addtime: String(secs(loan.created_at)),
        money: formatShort(loan.principal),
        delay: bill!.delay_count > 0 ? '1' : '0',
        status: state!.status,
        repay_interest: units(loan.repay_interest),
        repay_money: units(loan.principal + loan.repay_interest + state!.overdueFee),
        repayment_time: secs(startOfDay(dueDay, config.timeZone)),
        overFee: units(state!.overdueFee),
        ...next,
      })),
  };
}

/** The newest proof's references, as loanDetail's bill shows them. */
export interface ProofRefs {
  utr: string | null;
  utr_image: string | null;
  repay_image: string | null;
}

/** Repay/loanDetail: one bill in full, as the spec shows it, with the newest proof's UTR and images (null before any). */
export function presentLoanDetail(config: PresentConfig, current: LoanSnapshot, proof?: ProofRefs) {
  const { loan, bill, state, dueDay } = current;
  const b = bill!;
  const s = state!;
  const dueAt = secs(startOfDay(dueDay, config.timeZone));
  return {
    oid: loan.oid,
    needRepayMoney: units(s.needRepayMoney),
    needRepaymentTime: dueAt,
    needRepaymentDay: formatDay(dueDay),
    bill: {
      id: String(b.id),
      uid: String(b.borrower_id),
      toid: String(loan.id),
      oid: loan.oid,
      billnum: '1',
      money: formatPlain(b.principal),
      interest: formatPlain(b.fee),
      overdue: formatPlain(s.overdueFee),
      delay: b.delay_count > 0 ? '1' : '0',
      delay_day: String(b.delay_days),
      delay_rate: rate8(b.delay_count > 0 ? loan.loan_rate_ppm : 0),
      delay_num: String(b.delay_count),
      delay_unpaid: formatPlain(b.delay_unpaid),
      repay_interest: formatPlain(b.repay_interest),
      repaid_money: formatPlain(s.repaidTotal),
      repayment_time: String(dueAt),
      utr: proof?.utr ?? null,
      utr_image: proof?.utr_image ?? null,
      repay_image: proof?.repay_image ?? null,
      status: String(s.status),
      add_time: String(secs(b.created_at)),
      repay_time: String(b.repaid_at ? secs(b.repaid_at) : 0),
      overdue_settime: String(s.overdueDays > 0 ? secs(startOfDay(dueDay + 1, config.timeZone)) : 0),
      overdue_smsstatus: '0',
      overdue_xq: null,
    },
  };
}

/** The extension fields the spec adds to loanDetail (next=delay) and loanDelay. */
export function presentDelay(config: PresentConfig, q: DelayQuote) {
  return {
    delayFee: units(q.fee),
    nextRepayDatetime: secs(startOfDay(q.newDueDay, config.timeZone)),
    overdueFee: units(q.overdueOwed),
    nextRepayDay: formatDay(q.newDueDay),
  };
}

/** Repay/loanDelay: the bill, with `needRepayMoney` = what the extension costs now, and its effect. */
export function presentLoanDelay(config: PresentConfig, current: LoanSnapshot, q: DelayQuote, proof?: ProofRefs) {
  return { ...presentLoanDetail(config, current, proof), needRepayMoney: units(q.total), ...presentDelay(config, q) };
}

/** For people: what a bill's numbers mean today, for the home and detail pages. */
export function presentBillForPage(config: PresentConfig, current: LoanSnapshot, now: Date, settlements: readonly SettlementRow[] = []) {
  const { loan, bill, state, dueDay } = current;
  const today = dayOf(now.getTime(), config.timeZone);
  return {
    oid: loan.oid,
    loanStatus: loan.status,
    status: state?.status,
    principal: loan.principal,
    fee: loan.fee,
    received: loan.received,
    repayInterest: loan.repay_interest,
    term: loan.term_days,
    dueDay: isoDay(dueDay),
    daysLeft: dueDay - today,
    overdueDays: state?.overdueDays ?? 0,
    overdueFee: state?.overdueFee ?? 0,
    owed: state?.owed,
    needRepayMoney: state?.needRepayMoney ?? loan.principal + loan.repay_interest,
    repaidTotal: state?.repaidTotal ?? 0,
    repaidAt: bill?.repaid_at ?? loan.cancelled_at ?? null,
    settlements: settlements.map((x) => ({
      id: x.id,
      purpose: x.purpose,
      amount: x.amount,
      // When the borrower paid (which priced it); older rows only know when it was processed.
      at: x.paid_at ?? x.settled_at,
      source: x.source,
      excess: x.excess,
      note: x.note,
    })),
    /** Money received beyond what was owed, held for a refund. */
    excessHeld: bill?.excess_paid ?? 0,
  };
}

/** The quote as the home page's key facts show it. */
export function presentQuote(q: Quote) {
  return { ...q, dueDay: isoDay(q.dueDay), money: formatShort(q.principal) };
}

/** Loan/quote: a quote in the spec's field names, plus the same figures formatted for the page's script. */
export function presentQuoteJson(q: Quote, fmt: Formatters) {
  return {
    money: formatPlain(q.principal),
    time: String(q.term),
    serviceFee: formatPlain(q.fee),
    received: formatPlain(q.received),
    repay_interest: formatPlain(q.repayInterest),
    repay_money: formatPlain(q.amountDue),
    nextRepayDay: formatDay(q.dueDay),
    display: {
      money: fmt.money(q.principal),
      fee: fmt.money(q.fee),
      received: fmt.money(q.received),
      repayInterest: fmt.money(q.repayInterest),
      amountDue: fmt.money(q.amountDue),
      dueDay: fmt.day(isoDay(q.dueDay)),
    },
  };
}
