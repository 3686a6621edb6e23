import type { Context } from 'koa';
import { type Actor, ownerScope, type Subject, type Verb } from '../policies.ts';

/** Who is asking on a borrower's route: the signed-in borrower, else a visitor (staff act only in the console). */
export function borrowerActor(ctx: Context): Actor {
  const borrower = ctx.state.borrower;
  return borrower ? { kind: 'borrower', id: borrower.id } : { kind: 'visitor' };
}

/** The borrower id a read of one's own objects is scoped by, once the policy grants it (src/policies.ts). */
export function ownScope(ctx: Context, verb: Verb, subject: Subject): number {
  return ownerScope(borrowerActor(ctx), verb, subject);
}
