// The borrower's verification: progress, the personal, address, work and document steps, and what is stored.
import type { Context } from 'koa';
import { z } from 'zod';
import { findIdentity, type IdentityRow, identityUploads } from '../../data/repositories/identities.ts';
import { isCalendarDate, maskTail } from '../../domain/kyc.ts';
import { marketProfile } from '../../domain/markets/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { label, presentAccount, presentSteps } from '../../presenters/identity.ts';
import { accountNumber, bankAccountsOf } from '../../services/bank-accounts.ts';
import { entries } from '../../data/dictionaries.ts';
import { assertDocumentsOpen, stepStates, storedIdentity, submitAddress, submitDocuments, submitPersonal, submitWork } from '../../services/identity.ts';
import { countUpload, ownUpload, storeUpload, type UploadRow } from '../../services/uploads.ts';
import { respond } from '../respond.ts';
import { input, validate } from '../validate.ts';

const text = (key: string, max: number) => z.string({ error: key }).trim().min(1, key).max(max, key);

const personalSchema = z.object({
  full_name: z
    .string({ error: 'errors.full_name_required' })
    .trim()
    .min(3, 'errors.full_name_required')
    .max(120, 'errors.full_name_required')
    .regex(/^[\p{L}][\p{L} .'-]*$/u, 'errors.full_name_invalid')
    .transform((v) => v.replace(/\s+/g, ' ')),
  birth_date: z.string({ error: 'errors.birth_date_invalid' }).trim().refine(isCalendarDate, 'errors.birth_date_invalid'),
  id_number: text('errors.national_id_invalid', 40),
  tax_id: z.string().trim().max(20, 'errors.tax_id_invalid').optional(),
});
const addressSchema = z.object({ state: text('errors.state_invalid', 16), city: text('errors.city_invalid', 16) });
const workSchema = z.object({ employment: text('errors.employment_invalid', 32), income: text('errors.income_invalid', 32) });
const DOCUMENT_FIELDS = ['id_front', 'id_back', 'selfie'] as const;

/** The steps and the borrower's identity row, for every page here. */
async function basics(ctx: Context) {
  const { db, config } = ctx.deps;
  const borrowerId = ctx.state.borrower!.id;
  const steps = presentSteps(await stepStates(db, config, borrowerId), ctx.state.t);
  return { steps, identity: await findIdentity(db, borrowerId) };
}

function stepOf(steps: ReturnType<typeof presentSteps>, step: string) {
  return steps.steps.find((s) => s.step === step)!;
}

/** GET /Identity/index (auth): "3 of 5 done", each step's status and reason; JSON the same. */
export async function index(ctx: Context): Promise<void> {
  const { steps } = await basics(ctx);
  respond(ctx, { view: 'identity/index.njk', data: steps, message: 'messages.successfully' });
}

function personalValues(identity: IdentityRow | undefined) {
  return { full_name: identity?.full_name ?? '', birth_date: identity?.birth_date ?? '', id_number: '', tax_id: '' };
}

async function personalModel(ctx: Context) {
  const { steps, identity } = await basics(ctx);
  const market = marketProfile(ctx.deps.config.market);
  return { step: stepOf(steps, 'personal'), idKind: market.nationalId.kind, taxKind: market.taxId?.kind ?? null, taxMax: market.taxId?.maxLength ?? 13, idMax: market.nationalId.maxLength, hasId: Boolean(identity?.id_number_sealed), values: personalValues(identity) };
}

/** GET /Identity/personal (auth): name, date of birth, national ID (and optional tax ID). */
export async function personalPage(ctx: Context): Promise<void> {
  const model = await personalModel(ctx);
  respond(ctx, { view: 'identity/personal.njk', data: { step: model.step, full_name: model.values.full_name, birth_date: model.values.birth_date }, page: () => model });
}

/** POST /Identity/personal (auth). */
export async function personal(ctx: Context): Promise<void> {
  const raw = input(ctx);
  ctx.state.form = { view: 'identity/personal.njk', page: '/Identity/personal', values: raw, data: async () => personalModel(ctx) };
  const fields = validate(personalSchema, raw);
  const { db, clock, config } = ctx.deps;
  await submitPersonal(db, clock, config, ctx.state.borrower!.id, {
    fullName: fields.full_name,
    birthDate: fields.birth_date,
    idNumber: fields.id_number,
    taxId: fields.tax_id || undefined,
  });
  respond(ctx, { message: 'messages.successful', redirect: '/Identity/index', flash: 'identity.saved' });
}

async function addressModel(ctx: Context) {
  const { steps, identity } = await basics(ctx);
  const { market } = ctx.deps.config;
  const lang = ctx.state.lang;
  const states = entries(market, lang, 'STATE');
  return {
    step: stepOf(steps, 'address'),
    states,
    groups: states.map((s) => ({ state: s, cities: entries(market, lang, 'CITY', s.code) })),
    values: { state: identity?.state_code ?? '', city: identity?.city_code ?? '' },
  };
}

/** GET /Identity/address (auth): state and city from the dictionary (cities grouped by state, no script needed). */
export async function addressPage(ctx: Context): Promise<void> {
  const model = await addressModel(ctx);
  respond(ctx, { view: 'identity/address.njk', data: { step: model.step, ...model.values }, page: () => model });
}

/** POST /Identity/address (auth). */
export async function address(ctx: Context): Promise<void> {
  const raw = input(ctx);
  ctx.state.form = { view: 'identity/address.njk', page: '/Identity/address', values: raw, data: async () => addressModel(ctx) };
  const fields = validate(addressSchema, raw);
  const { db, clock, config } = ctx.deps;
  await submitAddress(db, clock, config, ctx.state.borrower!.id, fields);
  respond(ctx, { message: 'messages.successful', redirect: '/Identity/index', flash: 'identity.saved' });
}

async function workModel(ctx: Context) {
  const { steps, identity } = await basics(ctx);
  const { market } = ctx.deps.config;
  return {
    step: stepOf(steps, 'work'),
    employments: entries(market, ctx.state.lang, 'EMPLOYMENT_TYPE'),
    incomes: entries(market, ctx.state.lang, 'SALARY_RANGE'),
    values: { employment: identity?.employment ?? '', income: identity?.income_band ?? '' },
  };
}

/** GET /Identity/work (auth): employment type and monthly income band. */
export async function workPage(ctx: Context): Promise<void> {
  const model = await workModel(ctx);
  respond(ctx, { view: 'identity/work.njk', data: { step: model.step, ...model.values }, page: () => model });
}

/** POST /Identity/work (auth). */
export async function work(ctx: Context): Promise<void> {
  const raw = input(ctx);
  ctx.state.form = { view: 'identity/work.njk', page: '/Identity/work', values: raw, data: async () => workModel(ctx) };
  const fields = validate(workSchema, raw);
  const { db, clock, config } = ctx.deps;
  await submitWork(db, clock, config, ctx.state.borrower!.id, fields);
  respond(ctx, { message: 'messages.successful', redirect: '/Identity/index', flash: 'identity.saved' });
}

/** The borrower's stored document images, each with its own private URL. */
async function documentImages(ctx: Context, identity: IdentityRow | undefined) {
  const ids = { id_front: identity?.id_front_upload_id, id_back: identity?.id_back_upload_id, selfie: identity?.selfie_upload_id };
  const rows = identity ? await identityUploads(ctx.deps.db, identity) : [];
  return DOCUMENT_FIELDS.map((field) => {
    const row = rows.find((r) => r.id === ids[field]);
    return { field, url: row ? `/Public/Upload/${row.path}` : '', thumb: row ? `/Public/Upload/${row.thumb_path}` : '' };
  });
}

async function documentsModel(ctx: Context) {
  const { steps, identity } = await basics(ctx);
  return { step: stepOf(steps, 'documents'), images: await documentImages(ctx, identity) };
}

/** GET /Identity/documents (auth): ID front and back and a selfie, each shown back once sent. */
export async function documentsPage(ctx: Context): Promise<void> {
  const model = await documentsModel(ctx);
  respond(ctx, { view: 'identity/documents.njk', data: model });
}

/**
 * Checked before a multipart body of documents is read: the step must be open
 * to them, and the images count towards the borrower's uploads an hour.
 */
export async function documentsLimit(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const borrowerId = ctx.state.borrower!.id;
  await assertDocumentsOpen(db, borrowerId);
  await countUpload(db, clock, config, borrowerId);
}

/**
 * POST /Identity/documents (auth): the three images as files (multipart
 * `id_front`, `id_back`, `selfie`) or as paths the borrower uploaded with
 * Info/ajaxUpload. Someone else's path is 404.
 */
export async function documents(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const borrowerId = ctx.state.borrower!.id;
  ctx.state.form = { view: 'identity/documents.njk', page: '/Identity/documents', values: {}, data: async () => documentsModel(ctx) };
  const multipart = ctx.state.multipart;
  const fields = (multipart?.fields ?? input(ctx)) as Record<string, unknown>;
  const missing: Record<string, string> = {};
  const uploads: Partial<Record<(typeof DOCUMENT_FIELDS)[number], UploadRow>> = {};
  for (const field of DOCUMENT_FIELDS) {
    const file = multipart?.files.find((f) => f.field === field && f.bytes > 0);
    const path = typeof fields[field] === 'string' ? (fields[field] as string).trim().replace(/^.*\/Public\/Upload\//, '') : '';
    if (file) uploads[field] = await storeUpload(db, clock, config, { borrowerId, file: file.data, sha256: file.sha256 });
    else if (path) {
      const own = await ownUpload(db, borrowerId, path);
      if (!own) throw notFound();
      uploads[field] = own;
    } else missing[field] = `errors.document_${field}_missing`;
  }
  if (Object.keys(missing).length) throw new AppError(422, 'invalid_input', Object.values(missing)[0]!, { fields: missing });
  const result = await submitDocuments(db, clock, config, ctx.identityChecks, borrowerId, {
    front: uploads.id_front!,
    back: uploads.id_back!,
    selfie: uploads.selfie!,
  });
  respond(ctx, {
    message: 'messages.successful',
    data: { flags: result.flags, status: result.flags.length || !config.kyc.autoApprove ? 'submitted' : 'verified' },
    redirect: '/Identity/index',
    flash: result.flags.length || !config.kyc.autoApprove ? 'identity.documents_in_review' : 'identity.documents_verified',
  });
}

/** GET /Identity/stored (auth): everything stored about the borrower, on one page (JSON the same). */
export async function stored(ctx: Context): Promise<void> {
  const { db, config } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const lang = ctx.state.lang;
  const found = await storedIdentity(db, config, borrower.id);
  const accounts = await bankAccountsOf(db, borrower.id);
  const row = found?.row;
  const data = {
    phone: borrower.phone,
    created_at: Math.floor(borrower.created_at / 1000),
    identity: row
      ? {
          full_name: row.full_name ?? '',
          birth_date: row.birth_date ?? '',
          id_number: found.idNumber ? maskTail(found.idNumber) : '',
          tax_id: found.taxId ? maskTail(found.taxId) : '',
          state: label(config.market, lang, 'STATE', row.state_code),
          city: label(config.market, lang, 'CITY', row.city_code),
          employment: label(config.market, lang, 'EMPLOYMENT_TYPE', row.employment),
          income: label(config.market, lang, 'SALARY_RANGE', row.income_band),
          read_name: row.read_name ?? '',
          face_score: row.face_score ?? 0,
          documents: found.uploads.length,
        }
      : null,
    // Opened only to prove what is kept; still shown masked, like everywhere else.
    bank_accounts: accounts.map((a) => ({ ...presentAccount(a, config.market, lang, ctx.state.t), account: maskTail(accountNumber(config, a)) })),
  };
  respond(ctx, {
    view: 'identity/stored.njk',
    data,
    message: 'messages.successfully',
    page: () => ({ images: found ? found.uploads.map((u) => ({ url: `/Public/Upload/${u.path}`, thumb: `/Public/Upload/${u.thumb_path}` })) : [] }),
  });
}
