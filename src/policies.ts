// Who may do what, in one table (in the spirit of Outline's `authorize(user, verb, object)`).
// Borrowers act on their own objects only; support staff work the console's
// queues; admins may everything support may, plus decide loans by hand, look
// borrowers up, read the audit log and manage staff and settings.
//
// Two ways a grant is applied, both from this table:
// - the console: each route declares its verb and subject (`staffMay` in
//   routes.ts), checked before the handler runs;
// - a borrower's own objects: `ownerScope` answers the borrower id that the
//   read's query is scoped by (`findOwnLoanByOid(db, borrowerId, oid)`,
//   `ownComplaint`, `ownBill`, `ownsUploadPath`, …). Another borrower's object
//   is then simply not found: the same 404 as one that does not exist.
import type { StaffRole } from './data/repositories/staff.ts';
import { forbidden, unauthenticated } from './errors.ts';

export type Actor =
  | { kind: 'visitor' }
  | { kind: 'borrower'; id: number }
  | { kind: 'staff'; id: number; role: StaffRole };

export type Verb = 'read' | 'create' | 'review' | 'answer' | 'manage';

export type Subject =
  | 'console'
  | 'loan'
  | 'proof'
  | 'complaint'
  | 'receipt'
  | 'identity'
  | 'bank_account'
  | 'payout'
  | 'product'
  | 'feedback'
  | 'borrower'
  | 'audit'
  | 'staff'
  | 'settings';

type Role = 'borrower' | StaffRole;
type Grants = Partial<Record<Subject, readonly Verb[]>>;

const SUPPORT: Grants = {
  console: ['read'],
  proof: ['read', 'review'],
  complaint: ['read', 'answer'],
  feedback: ['read', 'answer'],
  identity: ['read', 'review'],
  receipt: ['read'],
};

/** The table: what each role may do to each kind of object (a borrower: to their own). */
export const POLICY: Readonly<Record<Role, Grants>> = Object.freeze({
  borrower: {
    loan: ['read', 'create'],
    proof: ['read', 'create'],
    complaint: ['read', 'create', 'answer'],
    receipt: ['read'],
    identity: ['read', 'create'],
    bank_account: ['read', 'create'],
    payout: ['read', 'create'],
  },
  support: SUPPORT,
  admin: {
    ...SUPPORT,
    loan: ['read', 'review'],
    borrower: ['read'],
    audit: ['read'],
    payout: ['read'],
    product: ['read', 'manage'],
    staff: ['manage'],
    settings: ['manage'],
  },
});

function roleOf(actor: Actor): Role | null {
  if (actor.kind === 'borrower') return 'borrower';
  if (actor.kind === 'staff') return actor.role;
  return null;
}

/** True when the actor's role grants the verb on the subject (for a borrower: on their own objects). */
export function can(actor: Actor, verb: Verb, subject: Subject): boolean {
  const role = roleOf(actor);
  return role !== null && (POLICY[role][subject]?.includes(verb) ?? false);
}

/** Throws unless the actor may: a visitor must sign in (401), anyone else is refused (403). */
export function authorize(actor: Actor, verb: Verb, subject: Subject): void {
  if (can(actor, verb, subject)) return;
  throw actor.kind === 'visitor' ? unauthenticated() : forbidden();
}

/**
 * A borrower's read or write of their own objects: the borrower id the query
 * is scoped by, once the table grants the verb (another borrower's object is
 * then not found).
 */
export function ownerScope(actor: Actor, verb: Verb, subject: Subject): number {
  authorize(actor, verb, subject);
  if (actor.kind !== 'borrower') throw forbidden();
  return actor.id;
}
