import test from 'ava';
import {
  type FrozenPrice,
  grownQuota,
  type IncomingMoney,
  paymentMoment,
  planSettlement,
  pricingDay,
  proofMoment,
  type SettlementRules,
  splitParts,
  type SettlingBill,
  type SettlingLoan,
} from '../../src/domain/settlement.ts';

// 3000.00 over 10 days from day 1000: due day 1010, 3216.00 at maturity, 60.00 late fee a day.
const START = 1000;
const DUE = 1010;
const bill: SettlingBill = {
  status: 'open',
  dueDay: DUE,
  delayCount: 0,
  delayDays: 0,
  delayUnpaid: 0,
  overduePaid: 0,
  overdueCleared: 0,
  interestPaid: 0,
  delayPaid: 0,
  principalPaid: 0,
  excessPaid: 0,
  extensionPaid: 0,
  principal: 300_000,
  repayInterest: 21_600,
  startDay: START,
  paidBefore: false,
};
const loan: SettlingLoan = { term: 10, received: 171_000, loanRatePpm: 43_000, repayRatePpm: 7200, overdueRatePpm: 20_000, overdueCapPpm: 1_000_000 };
const rules: SettlementRules = { delayMax: 3, coolingOffDays: 3 };
const link = (f: Partial<FrozenPrice> & Pick<FrozenPrice, 'amount' | 'pricedDay'>): FrozenPrice => ({ live: true, fromDueDay: null, used: false, receivedBefore: 0, shortBefore: [], ...f });
const money = (m: Partial<IncomingMoney> & Pick<IncomingMoney, 'amount' | 'purpose' | 'day'>): IncomingMoney => ({ frozen: null, ...m });

test('a repayment is priced on the day the borrower paid: late fee first, then interest, delays, principal, excess', (t) => {
  const onTime = planSettlement(bill, loan, rules, money({ amount: 321_600, purpose: 'repay', day: DUE }));
  t.like(onTime, { purpose: 'repay', loanMove: 'repaid', onTime: true, parts: { overdue: 0, interest: 21_600, principal: 300_000, excess: 0 } });
  const late = planSettlement(bill, loan, rules, money({ amount: 321_600, purpose: 'repay', day: DUE + 1 }));
  t.like(late, { loanMove: null, onTime: false, parts: { overdue: 6000, interest: 21_600, principal: 294_000 } });
  const over = planSettlement(bill, loan, rules, money({ amount: 330_000, purpose: 'repay', day: DUE }));
  t.like(over, { loanMove: 'repaid', parts: { excess: 8400 }, billChange: { excessPaid: 8400, status: 'repaid' } });
  const onClosed = planSettlement({ ...bill, status: 'repaid' }, loan, rules, money({ amount: 5000, purpose: 'repay', day: DUE }));
  t.like(onClosed, { loanMove: null, parts: { principal: 0, excess: 5000 } }, 'money for a closed bill is excess, never lost');
});

test("a live link's frozen amount is honoured: priced on its day when at least that amount was paid before it expired", (t) => {
  const frozen = link({ amount: 321_600, pricedDay: DUE });
  t.is(pricingDay(money({ amount: 321_600, purpose: 'repay', day: DUE + 1, frozen })), DUE);
  t.is(pricingDay(money({ amount: 321_500, purpose: 'repay', day: DUE + 1, frozen })), DUE + 1, 'short: priced at the moment');
  t.is(pricingDay(money({ amount: 321_600, purpose: 'repay', day: DUE + 4, frozen: { ...frozen, live: false } })), DUE + 4, 'expired link');
  t.like(planSettlement(bill, loan, rules, money({ amount: 321_600, purpose: 'repay', day: DUE + 1, frozen })), {
    loanMove: 'repaid',
    onTime: true,
    parts: { overdue: 0, excess: 0 },
  });
});

test('an extension moves the due day from the day it was priced against, once per link', (t) => {
  const frozen = link({ amount: 129_000, pricedDay: DUE, fromDueDay: DUE });
  const plan = planSettlement(bill, loan, rules, money({ amount: 129_000, purpose: 'delay', day: DUE + 1, frozen }));
  t.like(plan, { purpose: 'delay', redirected: null, parts: { overdue: 0, delay: 129_000, excess: 0 }, billChange: { dueDay: DUE + 10, delayCount: 1, extensionPaid: 129_000 } });
  // Without a link and a day late, the same money no longer covers fee + late fee: a repayment, and why.
  const short = planSettlement(bill, loan, rules, money({ amount: 129_000, purpose: 'delay', day: DUE + 1 }));
  t.like(short, { purpose: 'repay', redirected: 'errors.delay_short', parts: { overdue: 6000, interest: 21_600 } });
  t.like(planSettlement(bill, loan, rules, money({ amount: 135_000, purpose: 'delay', day: DUE + 1 })), { purpose: 'delay', parts: { overdue: 6000, excess: 0 } });
  // The link already bought its extension, or the due day moved since it was priced: a repayment.
  t.like(planSettlement(bill, loan, rules, money({ amount: 129_000, purpose: 'delay', day: DUE, frozen: { ...frozen, used: true } })), {
    purpose: 'repay',
    redirected: 'errors.delay_used',
  });
  t.like(planSettlement({ ...bill, dueDay: DUE + 10, delayCount: 1 }, loan, rules, money({ amount: 129_000, purpose: 'delay', day: DUE, frozen })), {
    purpose: 'repay',
    redirected: 'errors.delay_used',
  });
  t.like(planSettlement({ ...bill, delayCount: 3 }, loan, rules, money({ amount: 129_000, purpose: 'delay', day: DUE })), { redirected: 'errors.delay_limit' });
});

test('a cooling-off return is priced on the link day; too late or after a payment it is a repayment', (t) => {
  const frozen = link({ amount: 175_320, pricedDay: START + 1 });
  t.like(planSettlement(bill, loan, rules, money({ amount: 175_320, purpose: 'exit', day: START + 2, frozen })), {
    purpose: 'exit',
    loanMove: 'cancelled',
    parts: { interest: 4320, principal: 171_000, excess: 0 },
    billChange: { status: 'cancelled' },
  });
  t.like(planSettlement(bill, loan, rules, money({ amount: 175_320, purpose: 'exit', day: START + 2 })), { purpose: 'repay', redirected: 'errors.exit_short' });
  t.like(planSettlement(bill, loan, rules, money({ amount: 200_000, purpose: 'exit', day: START + 4 })), { purpose: 'repay', redirected: 'errors.exit_expired' });
  t.like(planSettlement({ ...bill, paidBefore: true }, loan, rules, money({ amount: 200_000, purpose: 'exit', day: START })), {
    purpose: 'repay',
    redirected: 'errors.exit_after_payment',
  });
});

test("the provider's paid_at counts, bounded by the reference's issue and the notification's arrival", (t) => {
  t.is(paymentMoment(5000, 1000, 9000), 5000);
  t.is(paymentMoment(10, 1000, 9000), 1000, 'not before the reference existed');
  t.is(paymentMoment(99_000, 1000, 9000), 9000, 'not in the future');
  t.is(paymentMoment(null, 1000, 9000), 9000, 'no paid_at: when it arrived');
});

test('an on-time repayment grows the quota one step, up to the maximum', (t) => {
  t.is(grownQuota(500_000, { step: 100_000, max: 2_000_000 }), 600_000);
  t.is(grownQuota(1_950_000, { step: 100_000, max: 2_000_000 }), 2_000_000);
  t.is(grownQuota(2_500_000, { step: 100_000, max: 2_000_000 }), 2_500_000, 'a quota above the maximum is not cut');
});

test('a link paid in several transfers: the repay price holds once the link has its amount, whatever each deposit was', (t) => {
  const frozen = link({ amount: 321_600, pricedDay: DUE });
  const half = { ...bill, interestPaid: 21_600, principalPaid: 78_400 };
  const rest = planSettlement(half, loan, rules, money({ amount: 221_600, purpose: 'repay', day: DUE + 1, frozen: { ...frozen, receivedBefore: 100_000 } }));
  t.like(rest, { loanMove: 'repaid', onTime: true, parts: { overdue: 0, principal: 221_600 } });
  const short = planSettlement(half, loan, rules, money({ amount: 221_500, purpose: 'repay', day: DUE + 1, frozen: { ...frozen, receivedBefore: 100_000 } }));
  t.like(short, { loanMove: null, parts: { overdue: 6000 } });
  t.is(pricingDay(money({ amount: 1, purpose: 'repay', day: DUE + 1, frozen }), 321_600), DUE);
});

test("an extension or return reached in several transfers rebooks the link's earlier short deposits", (t) => {
  const first = { id: 7, amount: 100_000, parts: { overdue: 0, interest: 21_600, delay: 0, principal: 78_400, excess: 0 } };
  const paid = { ...bill, interestPaid: 21_600, principalPaid: 78_400 };
  const frozen = link({ amount: 175_320, pricedDay: START + 1, shortBefore: [first], receivedBefore: 100_000 });
  const exit = planSettlement(paid, loan, rules, money({ amount: 75_320, purpose: 'exit', day: START + 1, frozen }));
  t.like(exit, { purpose: 'exit', loanMove: 'cancelled', parts: { interest: 0, principal: 75_320, excess: 0 } });
  t.deepEqual(exit.rewrites, [{ id: 7, purpose: 'exit', parts: { overdue: 0, interest: 4320, delay: 0, principal: 95_680, excess: 0 } }]);
  t.like(exit.billChange, { interestPaid: 4320, principalPaid: 171_000, excessPaid: 0, status: 'cancelled' });
  const still = planSettlement(paid, loan, rules, money({ amount: 50_000, purpose: 'exit', day: START + 1, frozen }));
  t.like(still, { purpose: 'repay', redirected: 'errors.exit_short', rewrites: [] });
  const expired = planSettlement(paid, loan, rules, money({ amount: 75_320, purpose: 'exit', day: START + 1, frozen: { ...frozen, live: false } }));
  t.like(expired, { purpose: 'repay', rewrites: [] });
});

test('a late fee booked beyond what had accrued at the payoff moment becomes excess', (t) => {
  const lateFirst = { ...bill, overduePaid: 6000, interestPaid: 4000 };
  const payoff = planSettlement(lateFirst, loan, rules, money({ amount: 321_600, purpose: 'repay', day: DUE }));
  t.like(payoff, { loanMove: 'repaid', overdueToExcess: 6000, parts: { overdue: 0, interest: 17_600, principal: 300_000, excess: 4000 } });
  t.like(payoff.billChange, { overduePaid: 0, excessPaid: 10_000 });
  const partial = planSettlement(lateFirst, loan, rules, money({ amount: 100_000, purpose: 'repay', day: DUE }));
  t.like(partial, { loanMove: null, overdueToExcess: 0 });
  t.like(partial.billChange, { overduePaid: 6000 });
});

test('splitParts gives each deposit its amount from the parts in allocation order', (t) => {
  t.deepEqual(splitParts({ overdue: 10, interest: 20, delay: 0, principal: 30, excess: 5 }, [25, 40]), [
    { overdue: 10, interest: 15, delay: 0, principal: 0, excess: 0 },
    { overdue: 0, interest: 5, delay: 0, principal: 30, excess: 5 },
  ]);
});

test("an approved proof is priced at the transfer date staff read on it, never after it was sent nor before the disbursement", (t) => {
  const tz = 'America/Mexico_City';
  const sent = Date.UTC(2026, 2, 14, 15, 0); // 09:00 on 14 March in Mexico City
  const start = 20_514; // 2 March 2026
  t.is(proofMoment(sent, null, start, tz), sent);
  t.is(proofMoment(sent, 20_526, start, tz), sent, 'the day it was sent: when it was sent');
  t.is(proofMoment(sent, 20_524, start, tz), Date.UTC(2026, 2, 13, 6, 0) - 1, 'the end of 12 March, Mexico City');
  t.is(proofMoment(sent, 20_527, start, tz), null);
  t.is(proofMoment(sent, start - 1, start, tz), null);
  t.is(proofMoment(sent, start, start, tz), Date.UTC(2026, 2, 3, 6, 0) - 1);
});
