import type { Context } from 'koa';
import { notFound } from '../../errors.ts';
import { presentDocumentList, presentLegalDocument } from '../../presenters/account.ts';
import { LEGAL_DOCUMENTS, type LegalDocumentName, legalDocument } from '../../services/legal.ts';
import { respond } from '../respond.ts';

function show(ctx: Context, document: LegalDocumentName): void {
  const version = typeof ctx.query.version === 'string' && ctx.query.version ? ctx.query.version : undefined;
  const doc = legalDocument(document, ctx.state.lang, version);
  if (!doc) throw notFound();
  respond(ctx, { message: 'messages.successfully', data: presentLegalDocument(doc), view: 'legal/document.njk' });
}

/** GET /Index/terms (optional `version`): the terms of service in the request's language. */
export const terms = (ctx: Context) => show(ctx, 'terms');
/** GET /Index/privacy (optional `version`): the privacy notice in the request's language. */
export const privacy = (ctx: Context) => show(ctx, 'privacy');

/** GET /Index/documents: the current legal documents as the spec's protocol list (`{list:[{name,code,value}]}`). */
export function documents(ctx: Context): void {
  const docs = LEGAL_DOCUMENTS.map((d) => legalDocument(d, ctx.state.lang)!);
  respond(ctx, { message: 'messages.successfully', data: presentDocumentList(docs), view: 'legal/list.njk' });
}
