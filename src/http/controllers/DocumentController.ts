import type { Context } from 'koa';
import { z } from 'zod';
import { formatters } from '../../presenters/format.ts';
import type { renderPdf } from '../../presenters/pdf.ts';
import { presentCertificate, presentDisbursement, presentReceipt } from '../../presenters/protection.ts';
import { certificateFacts, disbursementFacts, receiptFacts, type Viewer } from '../../services/documents.ts';
import { printPdf } from '../../services/printing.ts';
import { ownScope } from '../actor.ts';
import { respond } from '../respond.ts';
import { input, oidField, rowId, validate } from '../validate.ts';

// Receipts and certificates: the borrower's own (under /Repay) or anyone's for staff (under /support).

const idSchema = z.object({ id: rowId('errors.not_found') });
const oidSchema = z.object({ oid: oidField });

function viewer(ctx: Context): Viewer {
  // The console's routes checked the staff grant (`staffMay('read', 'receipt')`) before this runs.
  if (ctx.state.staff && ctx.path.toLowerCase().startsWith('/support/')) {
    return { staff: { id: ctx.state.staff.id, address: ctx.ip, format: ctx.path.toLowerCase().endsWith('/pdf') ? 'pdf' : 'page' } };
  }
  return { borrowerId: ownScope(ctx, 'read', 'receipt') };
}

async function sendPdf(ctx: Context, doc: Parameters<typeof renderPdf>[0]): Promise<void> {
  ctx.body = await printPdf(doc, { createdAt: ctx.deps.clock.now() });
  ctx.type = 'application/pdf';
  ctx.set('Content-Disposition', `attachment; filename="${doc.filename}"`);
  ctx.set('Cache-Control', 'private, no-store');
}

async function receipt(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const { id } = validate(idSchema, input(ctx));
  const who = viewer(ctx);
  const facts = await receiptFacts(db, clock, config, who, id);
  return presentReceipt(config, ctx.state.t, formatters(ctx.state.lang, config), facts);
}

async function certificate(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const { oid } = validate(oidSchema, input(ctx));
  const facts = await certificateFacts(db, clock, viewer(ctx), oid);
  return presentCertificate(config, ctx.state.t, formatters(ctx.state.lang, config), facts);
}

/** GET /Repay/receipt?id= (and /support/receipt): a settled payment's receipt as a page or JSON. */
export async function receiptPage(ctx: Context): Promise<void> {
  const r = await receipt(ctx);
  respond(ctx, { view: 'documents/document.njk', data: r.json, message: 'messages.successfully', page: () => ({ doc: r.document, pdf: `${ctx.path}/pdf?id=${r.id}`, back: r.oid }) });
}

/** GET /Repay/receipt/pdf?id=: the same receipt as a PDF download. */
export async function receiptPdf(ctx: Context): Promise<void> {
  await sendPdf(ctx, (await receipt(ctx)).document);
}

/** GET /Repay/certificate?oid=: a closed loan's no-dues certificate as a page or JSON. */
export async function certificatePage(ctx: Context): Promise<void> {
  const c = await certificate(ctx);
  respond(ctx, { view: 'documents/document.njk', data: c.json, message: 'messages.successfully', page: () => ({ doc: c.document, pdf: `${ctx.path}/pdf?oid=${c.oid}`, back: c.oid }) });
}

/** GET /Repay/certificate/pdf?oid=: the same certificate as a PDF download. */
export async function certificatePdf(ctx: Context): Promise<void> {
  await sendPdf(ctx, (await certificate(ctx)).document);
}

async function disbursement(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const { oid } = validate(oidSchema, input(ctx));
  const facts = await disbursementFacts(db, clock, viewer(ctx), oid);
  return presentDisbursement(config, ctx.state.t, formatters(ctx.state.lang, config), facts);
}

/** GET /Repay/disbursement?oid=: the receipt of the loan's money sent to the borrower's account, as a page or JSON. */
export async function disbursementPage(ctx: Context): Promise<void> {
  const d = await disbursement(ctx);
  respond(ctx, { view: 'documents/document.njk', data: d.json, message: 'messages.successfully', page: () => ({ doc: d.document, pdf: `${ctx.path}/pdf?oid=${d.oid}`, back: d.oid }) });
}

/** GET /Repay/disbursement/pdf?oid=: the same receipt as a PDF download. */
export async function disbursementPdf(ctx: Context): Promise<void> {
  await sendPdf(ctx, (await disbursement(ctx)).document);
}
