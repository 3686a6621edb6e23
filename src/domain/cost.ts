import type { Minor } from './money.ts';

/**
 * The annual cost of a single-payment loan, two ways. Both take what the
 * borrower receives, what they repay, and the days between.
 *
 * APR: simple annualisation of the total cost over the amount received,
 *   (repaid − received) / received × 365 / days.
 * CAT (Banxico's Costo Anual Total): the yearly rate i at which the cash
 *   flows balance, received = repaid / (1 + i)^(days / 365); with one
 *   payment that is (repaid / received)^(365 / days) − 1.
 *
 * Both are fractions (1.5 is 150 %), rounded to 0.1 % as Banxico asks for the CAT.
 */
export interface AnnualCost {
  apr: number;
  cat: number;
}

const toTenthOfPercent = (fraction: number) => Math.round(fraction * 1000) / 1000;

export function annualCost(received: Minor, repaid: Minor, days: number): AnnualCost {
  if (received <= 0 || days <= 0 || repaid < received) throw new RangeError('annualCost needs received > 0, days > 0 and repaid >= received');
  const years = days / 365;
  return {
    apr: toTenthOfPercent((repaid - received) / received / years),
    cat: toTenthOfPercent(Math.exp(Math.log(repaid / received) / years) - 1),
  };
}
