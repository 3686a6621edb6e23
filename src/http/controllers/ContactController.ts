import type { Context } from 'koa';
import { activeConsent, contactsOf, giveConsent, pushContacts, withdrawConsent } from '../../services/contacts.ts';
import { respond } from '../respond.ts';

const RELATIONS = ['parent', 'spouse', 'sibling', 'child', 'friend', 'colleague', 'other'];

/** The rows of `contacts[i][...]` (an array, or an object keyed by index) or of a JSON `contacts` array. */
function rowsOf(body: unknown): unknown[] {
  const contacts = (body as { contacts?: unknown } | undefined)?.contacts;
  if (Array.isArray(contacts)) return contacts;
  if (contacts && typeof contacts === 'object') {
    return Object.entries(contacts)
      .filter(([k]) => /^\d+$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => v);
  }
  return [];
}

/**
 * GET /Contact/index (auth): emergency contacts. Off unless configured; when
 * on, the borrower first reads and accepts the consent text, then keeps two
 * emergency contacts, sees everything stored, and can withdraw and delete.
 */
export async function index(ctx: Context): Promise<void> {
  const { db, config } = ctx.deps;
  const borrowerId = ctx.state.borrower!.id;
  const enabled = config.contacts.enabled;
  const consent = enabled ? await activeConsent(db, borrowerId) : undefined;
  respond(ctx, {
    view: 'contact/index.njk',
    data: {
      enabled,
      consent: consent ? { version: consent.version, givenAt: Number(consent.given_at) } : null,
      consentVersion: config.contacts.consentVersion,
      contacts: consent ? await contactsOf(db, config, borrowerId) : [],
      relations: RELATIONS,
    },
  });
}

/** POST /Contact/ajaxPush (auth): stores contacts; invalid rows come back by index in `invalid`. */
export async function ajaxPush(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const result = await pushContacts(db, clock, config, ctx.state.borrower!.id, rowsOf(ctx.request.body));
  respond(ctx, {
    json: { status: 200, message: ctx.state.t('messages.successful'), data: '', saved: result.saved, invalid: result.invalid.map((p) => ({ ...p, reason: ctx.state.t(p.reason) })) },
    redirect: '/Contact/index',
    flash: result.invalid.length ? 'messages.contacts_partly_saved' : 'messages.contacts_saved',
  });
}

/** POST /Contact/consent (auth): the borrower accepts the current consent text. */
export async function consent(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  await giveConsent(db, clock, config, ctx.state.borrower!.id);
  respond(ctx, { message: 'messages.successful', redirect: '/Contact/index', flash: 'messages.consent_given' });
}

/** POST /Contact/withdraw (auth): withdraws consent and deletes every stored contact. */
export async function withdraw(ctx: Context): Promise<void> {
  const { db, clock } = ctx.deps;
  const deleted = await withdrawConsent(db, clock, ctx.state.borrower!.id);
  respond(ctx, { message: 'messages.successful', data: { deleted }, redirect: '/Contact/index', flash: 'messages.consent_withdrawn' });
}
