// Verification steps, bank accounts and stored data as the borrower and staff see them (JSON and pages alike).
import type { TFunction } from 'i18next';
import type { BankAccountRow } from '../data/repositories/bank-accounts.ts';
import { maskTail, progress } from '../domain/kyc.ts';
import type { StepName } from '../domain/markets/index.ts';
import type { Language } from '../i18n.ts';
import { findEntry } from '../data/dictionaries.ts';
import type { StepView } from '../snapshots/identity.ts';

/** The apps' certification codes (seed 000's getUserAuth): 10 not done, 20 in progress, 30 done. */
const STATE_CODES = { not_started: '10', rejected: '10', submitted: '20', verified: '30' } as const;

/** Where each step is done. */
export const STEP_PAGES: Record<StepName, string> = {
  personal: '/Identity/personal',
  address: '/Identity/address',
  work: '/Identity/work',
  documents: '/Identity/documents',
  bank: '/Bank/index',
};

/** Steps with their status, localized reason and page, plus "n of m done" and the first missing step. */
export function presentSteps(steps: StepView[], t: TFunction) {
  const p = progress(steps);
  return {
    done: p.done,
    total: p.total,
    complete: p.missing === null,
    missing: p.missing,
    steps: steps.map((s) => ({
      step: s.step,
      status: s.status,
      state: STATE_CODES[s.status],
      reason: s.reason,
      reason_text: s.reason ? t(`identity.reason_${s.reason}`) : '',
      note: s.note ?? '',
      url: STEP_PAGES[s.step],
    })),
  };
}

/** An account as it leaves the server: the bank's name, only the last four digits. */
export function presentAccount(account: BankAccountRow, market: string, lang: Language, t: TFunction) {
  return {
    id: account.id,
    bank_code: account.bank_code,
    bank_name: findEntry(market, lang, 'BANK', account.bank_code)?.value ?? account.bank_code,
    account: maskTail(account.last4),
    last4: account.last4,
    holder_name: account.holder_name ?? '',
    status: account.status,
    state: account.status === 'verified' ? '30' : account.status === 'pending' ? '20' : '10',
    reason: account.reason ?? '',
    reason_text: account.reason ? t(`identity.reason_${account.reason}`) : '',
    is_default: Boolean(account.is_default),
  };
}

/** A dictionary entry's label in the language, or the code when the dictionary lost it. */
export function label(market: string, lang: Language, type: string, code: string | null): string {
  if (!code) return '';
  return findEntry(market, lang, type, code)?.value ?? code;
}
