// Verification steps: their states, the moves between them, and what a review decides. Pure.
import type { StepName } from './markets/profile.ts';

export type StepStatus = 'not_started' | 'submitted' | 'verified' | 'rejected';
export type StepEvent = 'submit' | 'verify' | 'reject';

/** Steps whose data the borrower can no longer change once verified (the identity itself). */
const LOCKED_WHEN_VERIFIED: ReadonlySet<StepName> = new Set(['personal', 'documents']);

const MOVES: Record<StepEvent, Partial<Record<StepStatus, StepStatus>>> = {
  submit: { not_started: 'submitted', submitted: 'submitted', rejected: 'submitted', verified: 'submitted' },
  verify: { submitted: 'verified' },
  reject: { submitted: 'rejected' },
};

/** The status after an event, or null when the move is not allowed (a verified identity cannot be resubmitted). */
export function nextStepStatus(step: StepName, current: StepStatus, event: StepEvent): StepStatus | null {
  if (event === 'submit' && current === 'verified' && LOCKED_WHEN_VERIFIED.has(step)) return null;
  return MOVES[event][current] ?? null;
}

/** Why staff may reject an identity, and which steps each reason sends back to the borrower. */
export const REJECT_REASONS: Readonly<Record<string, readonly StepName[]>> = Object.freeze({
  id_unreadable: ['documents'],
  face_mismatch: ['documents'],
  name_mismatch: ['personal', 'documents'],
  id_mismatch: ['personal', 'documents'],
  id_expired: ['documents'],
  underage: ['personal'],
  other: ['personal', 'documents'],
});

export interface StepState {
  step: StepName;
  status: StepStatus;
}

/** How many steps are verified, out of how many, and the first one still missing (null when all are done). */
export function progress(steps: readonly StepState[]): { done: number; total: number; missing: StepName | null } {
  const done = steps.filter((s) => s.status === 'verified').length;
  return { done, total: steps.length, missing: steps.find((s) => s.status !== 'verified')?.step ?? null };
}

/** Whole years between a YYYY-MM-DD birth date and a YYYY-MM-DD day. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** A name as compared: accents dropped, upper case, single spaces. */
export function comparableName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/[^A-Z0-9Ñ ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Two names name the same person when they hold the same words in any order (banks and IDs order them differently). */
export function sameName(a: string, b: string): boolean {
  const words = (n: string) => comparableName(n).split(' ').filter(Boolean).sort().join(' ');
  return words(a) !== '' && words(a) === words(b);
}

export type IdentityFlag = 'unreadable' | 'name_mismatch' | 'id_mismatch' | 'face_low';

/** What staff must look at: what the ID says against what the borrower typed, and the face score. */
export function identityFlags(
  declared: { name: string; idNumber: string },
  read: { name: string | null; idNumber: string | null },
  faceScore: number,
  faceMatchMin: number,
): IdentityFlag[] {
  const flags: IdentityFlag[] = [];
  if (!read.name && !read.idNumber) flags.push('unreadable');
  else {
    if (!read.name || !sameName(read.name, declared.name)) flags.push('name_mismatch');
    if (!read.idNumber || read.idNumber !== declared.idNumber) flags.push('id_mismatch');
  }
  if (faceScore < faceMatchMin) flags.push('face_low');
  return flags;
}

/** Only the last four characters, the rest as bullets: how account and ID numbers are shown. */
export function maskTail(value: string, keep = 4): string {
  return `•••• ${value.slice(-keep)}`;
}
