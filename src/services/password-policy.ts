import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** Shortest password a borrower may choose (NIST SP 800-63B's floor). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
// zxcvbn's score: 0 and 1 are "too guessable" (within about 10^6 guesses), which
// catches the common-password lists, keyboard walks, repeats and dates.
const MIN_SCORE = 2;

// Built once: the dictionaries take a moment to load.
let zxcvbn: ZxcvbnFactory | undefined;

/**
 * Why a new password is refused (an i18n key), or null when it is acceptable:
 * at least 8 characters and not common or easily guessed (zxcvbn-ts with its
 * common-password dictionary), the phone number itself counting as guessable.
 */
export function passwordProblem(password: string, context: { phone?: string } = {}): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'errors.password_too_short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'errors.password_too_long';
  zxcvbn ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  const result = zxcvbn.check(password, context.phone ? [context.phone, context.phone.replace(/^\+/, '')] : []);
  return result.score < MIN_SCORE ? 'errors.password_common' : null;
}
