import test from 'ava';
import { loadConfig } from '../../src/config.ts';
import { allocate, BILL_STATUS, type BillFacts, billState } from '../../src/domain/bill.ts';
import { dayOf, formatDay, isoDay, parseIsoDay, startOfDay } from '../../src/domain/calendar.ts';
import { amountProblem, daysOverdue, overdueFee, type Product, quote, rateOf } from '../../src/domain/fees.ts';
import { canTransition, LOAN_STATES, transition, TransitionError } from '../../src/domain/loan-status.ts';

// The defaults of DESIGN.md (test/config.test.ts pins them).
const product: Product = loadConfig({}).product;
const MX = 'America/Mexico_City';

test("the spec's example: 5000 for 7 days at 0.0072/day gives repay interest 252.00, fee 1505.00", (t) => {
  const q = quote(500_000, 7, product, parseIsoDay('2022-10-01'));
  t.is(q.repayInterest, 25_200);
  t.is(q.fee, 150_500);
  t.is(q.received, 349_500);
  t.is(q.amountDue, 525_200);
  t.is(isoDay(q.dueDay), '2022-10-08');
});

test('3000 for 10 days: fee 1290.00, received 1710.00, total 3216.00', (t) => {
  const q = quote(300_000, 10, product, parseIsoDay('2026-03-02'));
  t.deepEqual(
    { fee: q.fee, received: q.received, repayInterest: q.repayInterest, amountDue: q.amountDue, due: isoDay(q.dueDay) },
    { fee: 129_000, received: 171_000, repayInterest: 21_600, amountDue: 321_600, due: '2026-03-12' },
  );
});

test('rounding is half-up to the minor unit, once', (t) => {
  t.is(rateOf(1, 500_000, 1), 1, 'exactly half a centavo rounds up');
  t.is(rateOf(1, 499_999, 1), 0);
  t.is(rateOf(3, 500_000, 1), 2, '1.5 -> 2');
  t.is(rateOf(12_345, 7_200, 7), 622, '622.188 -> 622');
  t.is(rateOf(12_346, 7_200, 7), 622, '622.2384 -> 622');
  t.is(rateOf(10_417, 7_200, 7), 525, '524.9868 -> 525: rounded once at the end, not per day');
  // Large amounts stay exact (the product is computed in BigInt).
  t.is(rateOf(9_000_000_000_000, 43_000, 365), 141_255_000_000_000);
});

test('the overdue fee counts full days past the due day and stops at the cap', (t) => {
  const due = parseIsoDay('2026-03-09');
  t.is(daysOverdue(due, due), 0, 'the due day itself is not overdue');
  t.is(daysOverdue(due, due - 3), 0);
  t.is(daysOverdue(due, due + 1), 1);
  t.is(overdueFee(300_000, 1, product), 6_000);
  t.is(overdueFee(300_000, 49, product), 294_000);
  t.is(overdueFee(300_000, 50, product), 300_000, 'reaches 100% of principal');
  t.is(overdueFee(300_000, 200, product), 300_000, 'capped');
  t.is(overdueFee(300_000, 200, { ...product, overdueCapPpm: 500_000 }), 150_000);
});

const facts = (over: Partial<BillFacts> = {}): BillFacts => ({
  principal: 300_000,
  repayInterest: 21_600,
  dueDay: parseIsoDay('2026-03-12'),
  delayCount: 0,
  delayUnpaid: 0,
  overduePaid: 0,
  overdueCleared: 0,
  interestPaid: 0,
  principalPaid: 0,
  repaid: false,
  ...over,
});

test('a bill derives its status and needRepayMoney from the day', (t) => {
  const due = parseIsoDay('2026-03-12');
  const before = billState(facts(), due - 2, product);
  t.is(before.status, BILL_STATUS.unpaid);
  t.is(before.needRepayMoney, 321_600);
  const late = billState(facts(), due + 3, product);
  t.is(late.status, BILL_STATUS.overdue);
  t.is(late.overdueDays, 3);
  t.is(late.overdueFee, 18_000);
  t.is(late.needRepayMoney, 339_600);
  t.is(billState(facts({ delayCount: 1 }), due, product).status, BILL_STATUS.delayed);
  t.is(billState(facts({ delayCount: 1 }), due + 1, product).status, BILL_STATUS.overdue, 'overdue wins over delayed');
  const repaid = billState(facts({ repaid: true, overduePaid: 6_000, interestPaid: 21_600, principalPaid: 300_000 }), due + 9, product);
  t.is(repaid.status, BILL_STATUS.repaid);
  t.is(repaid.needRepayMoney, 0);
  t.is(repaid.repaidTotal, 327_600);
});

test('needRepayMoney after partial payments subtracts what each part received', (t) => {
  const due = parseIsoDay('2026-03-12');
  const state = billState(facts({ overduePaid: 6_000, interestPaid: 21_600, principalPaid: 100_000 }), due + 2, product);
  t.deepEqual(state.owed, { overdue: 6_000, interest: 0, delay: 0, principal: 200_000 });
  t.is(state.needRepayMoney, 206_000);
});

test('a payment goes to the overdue fee, then repay interest, then principal; the excess is kept apart', (t) => {
  const owed = { overdue: 6_000, interest: 21_600, delay: 0, principal: 300_000 };
  t.deepEqual(allocate(10_000, owed), { overdue: 6_000, interest: 4_000, delay: 0, principal: 0, excess: 0 });
  t.deepEqual(allocate(327_600, owed), { overdue: 6_000, interest: 21_600, delay: 0, principal: 300_000, excess: 0 });
  t.deepEqual(allocate(330_000, owed), { overdue: 6_000, interest: 21_600, delay: 0, principal: 300_000, excess: 2_400 });
  t.deepEqual(allocate(0, owed), { overdue: 0, interest: 0, delay: 0, principal: 0, excess: 0 });
});

test('amounts and terms outside the product are refused with a reason', (t) => {
  t.is(amountProblem(300_000, 10, 500_000, product), null);
  t.is(amountProblem(300_000, 9, 500_000, product), 'errors.term_invalid');
  t.is(amountProblem(50_000, 7, 500_000, product), 'errors.amount_too_small');
  t.is(amountProblem(600_000, 7, 500_000, product), 'errors.amount_over_quota');
  t.is(amountProblem(300_050, 7, 500_000, product), 'errors.amount_step');
});

test('every allowed loan transition, and every other one refused', (t) => {
  const allowed = new Set([
    'awaiting_confirmation>in_review',
    'in_review>rejected',
    'in_review>paying_out',
    'paying_out>disbursed',
    'paying_out>payout_failed',
    'payout_failed>paying_out',
    'disbursed>repaid',
    'disbursed>cancelled',
    'disbursed>payout_failed',
  ]);
  for (const from of LOAN_STATES) {
    for (const to of LOAN_STATES) {
      const ok = allowed.has(`${from}>${to}`);
      t.is(canTransition(from, to), ok, `${from} -> ${to}`);
      if (ok) t.is(transition(from, to), to);
      else t.throws(() => transition(from, to), { instanceOf: TransitionError });
    }
  }
});

test('days are calendar days in the business time zone', (t) => {
  // 23:59:59 on 1 March in Mexico City is 05:59:59 UTC on 2 March.
  t.is(isoDay(dayOf(Date.parse('2026-03-02T05:59:59Z'), MX)), '2026-03-01');
  t.is(isoDay(dayOf(Date.parse('2026-03-02T06:00:00Z'), MX)), '2026-03-02');
  t.is(new Date(startOfDay(parseIsoDay('2026-03-09'), MX)).toISOString(), '2026-03-09T06:00:00.000Z');
  t.is(formatDay(parseIsoDay('2026-03-09')), '09-03-2026');
  // Across a daylight-saving change the start of day follows the local clock.
  const NY = 'America/New_York';
  t.is(new Date(startOfDay(parseIsoDay('2026-03-08'), NY)).toISOString(), '2026-03-08T05:00:00.000Z');
  t.is(new Date(startOfDay(parseIsoDay('2026-03-09'), NY)).toISOString(), '2026-03-09T04:00:00.000Z');
  t.is(isoDay(dayOf(Date.parse('2026-03-09T04:00:00Z'), NY)), '2026-03-09');
});
