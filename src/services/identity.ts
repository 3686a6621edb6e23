// Verification of a borrower: personal data, address, work, documents (checked by the provider), staff review, the lending gate.
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { accountsOf } from '../data/repositories/bank-accounts.ts';
import {
  decideIdentity,
  findIdentity,
  findIdentityById,
  findIdentityByIdHash,
  identityUploads,
  type IdentityRow,
  identityWithPhone,
  pendingIdentities,
  saveIdentity,
} from '../data/repositories/identities.ts';
import { setStep, stepsOf } from '../data/repositories/kyc-steps.ts';
import { dayOf, isoDay } from '../domain/calendar.ts';
import { ageOn, identityFlags, type IdentityFlag, nextStepStatus, progress, REJECT_REASONS, type StepEvent, type StepStatus } from '../domain/kyc.ts';
import { marketProfile, type StepName } from '../domain/markets/index.ts';
import type { StepView } from '../snapshots/identity.ts';
export type { StepView } from '../snapshots/identity.ts';
import { AppError, invalidInput, notFound } from '../errors.ts';
import { audit } from './audit.ts';
import { lookupHash, seal, unseal } from './data-protection.ts';
import { findEntry } from '../data/dictionaries.ts';
import type { IdentityChecks } from './identity-checks/provider.ts';
import { readUpload, type UploadRow } from './uploads.ts';

export type KycConfig = Pick<Config, 'market' | 'dataProtection' | 'kyc' | 'timeZone' | 'uploadDir' | 'uploadStorage'>;

const ID_PURPOSE = 'national_id';
const TAX_PURPOSE = 'tax_id';

const stepProblem = () => new AppError(409, 'step_locked', 'errors.kyc_step_locked');

/** Moves one step by an event inside a transaction, refusing a move the state machine forbids. */
async function move(trx: Executor, borrowerId: number, step: StepName, current: StepStatus, event: StepEvent, at: number, reason?: { code: string; note?: string }) {
  const next = nextStepStatus(step, current, event);
  if (!next) throw stepProblem();
  await setStep(trx, borrowerId, step, { status: next, reason: reason?.code ?? null, note: reason?.note ?? null, at });
}

/** The bank step, from the accounts: verified with a verified default, submitted while a check is pending, else the newest refusal. */
async function bankStep(db: Executor, borrowerId: number): Promise<StepView> {
  const accounts = await accountsOf(db, borrowerId);
  const base = { step: 'bank' as const, note: null };
  if (accounts.some((a) => a.is_default && a.status === 'verified')) return { ...base, status: 'verified', reason: null };
  if (accounts.some((a) => a.status === 'pending')) return { ...base, status: 'submitted', reason: null };
  const refused = [...accounts].sort((a, b) => b.id - a.id).find((a) => a.status === 'rejected');
  if (refused) return { ...base, status: 'rejected', reason: refused.reason };
  return { ...base, status: 'not_started', reason: null };
}

/** Every step of the market in order, with its status and (when rejected) the reason. */
export async function stepStates(db: Executor, config: Pick<Config, 'market'>, borrowerId: number): Promise<StepView[]> {
  const rows = new Map((await stepsOf(db, borrowerId)).map((r) => [r.step, r]));
  const out: StepView[] = [];
  for (const step of marketProfile(config.market).steps) {
    if (step === 'bank') {
      out.push(await bankStep(db, borrowerId));
      continue;
    }
    const row = rows.get(step);
    out.push({ step, status: row?.status ?? 'not_started', reason: row?.reason ?? null, note: row?.note ?? null });
  }
  return out;
}

/** The first step still missing before the borrower may borrow (null when KYC is off or everything is verified). */
export async function missingStep(db: Executor, config: Pick<Config, 'market' | 'kyc'>, borrowerId: number): Promise<StepName | null> {
  if (!config.kyc.required) return null;
  return progress(await stepStates(db, config, borrowerId)).missing;
}

/** The lending gate: 403 naming the missing step unless identity and default account are verified. */
export async function assertMayBorrow(db: Executor, config: Pick<Config, 'market' | 'kyc'>, borrowerId: number): Promise<void> {
  const missing = await missingStep(db, config, borrowerId);
  if (missing) throw new AppError(403, 'kyc_required', `errors.kyc_required_${missing}`);
}

async function currentStatus(db: Executor, borrowerId: number, step: StepName): Promise<StepStatus> {
  return (await stepsOf(db, borrowerId)).find((r) => r.step === step)?.status ?? 'not_started';
}

export interface PersonalInput {
  fullName: string;
  birthDate: string;
  idNumber: string;
  taxId?: string;
}

/**
 * Step 1: name, date of birth (old enough, and the same the ID number encodes)
 * and the market's national ID (structure and check digit); optional tax ID.
 * The ID number is sealed and hashed: one ID, one borrower.
 */
export async function submitPersonal(db: Db, clock: Clock, config: KycConfig, borrowerId: number, input: PersonalInput): Promise<void> {
  const market = marketProfile(config.market);
  const idNumber = market.nationalId.normalize(input.idNumber);
  if (!market.nationalId.isValid(idNumber)) throw invalidInput({ id_number: 'errors.national_id_invalid' });
  const taxId = input.taxId && market.taxId ? market.taxId.normalize(input.taxId) : '';
  if (taxId && !market.taxId!.isValid(taxId)) throw invalidInput({ tax_id: 'errors.tax_id_invalid' });
  const today = isoDay(dayOf(clock.now().getTime(), config.timeZone));
  if (input.birthDate > today) throw invalidInput({ birth_date: 'errors.birth_date_invalid' });
  if (ageOn(input.birthDate, today) < market.minAge) throw invalidInput({ birth_date: 'errors.underage' });
  const encoded = market.nationalId.birthDate?.(idNumber);
  if (encoded && encoded !== input.birthDate) throw invalidInput({ birth_date: 'errors.birth_date_mismatch' });
  const hash = lookupHash(config, ID_PURPOSE, idNumber);
  const now = clock.now().getTime();
  try {
    await db.transaction(async (trx) => {
      const holder = await findIdentityByIdHash(trx, hash);
      if (holder && holder.borrower_id !== borrowerId) throw new AppError(409, 'national_id_taken', 'errors.national_id_taken');
      await move(trx, borrowerId, 'personal', await currentStatus(trx, borrowerId, 'personal'), 'submit', now);
      await saveIdentity(trx, borrowerId, {
        full_name: input.fullName,
        birth_date: input.birthDate,
        id_number_sealed: seal(config, ID_PURPOSE, idNumber),
        id_number_hash: hash,
        tax_id_sealed: taxId ? seal(config, TAX_PURPOSE, taxId) : null,
        updated_at: now,
      });
      // Documents already shown and waiting: look at them again against the new details.
      if ((await currentStatus(trx, borrowerId, 'documents')) === 'submitted') await evaluate(trx, clock, config, borrowerId);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'national_id_taken', 'errors.national_id_taken');
    throw err;
  }
}

/** A self-declared step checked against the market's dictionaries: verified as soon as it is valid. */
async function submitDeclared(db: Db, clock: Clock, borrowerId: number, step: StepName, change: Partial<IdentityRow>): Promise<void> {
  const now = clock.now().getTime();
  await db.transaction(async (trx) => {
    const current = await currentStatus(trx, borrowerId, step);
    await move(trx, borrowerId, step, current, 'submit', now);
    await move(trx, borrowerId, step, 'submitted', 'verify', now);
    await saveIdentity(trx, borrowerId, { ...change, updated_at: now });
  });
}

/** Step 2: state and city, both from the market's dictionary (the city inside the state). */
export async function submitAddress(db: Db, clock: Clock, config: KycConfig, borrowerId: number, input: { state: string; city: string }): Promise<void> {
  if (!findEntry(config.market, 'en', 'STATE', input.state)) throw invalidInput({ state: 'errors.state_invalid' });
  if (!findEntry(config.market, 'en', 'CITY', input.city, input.state)) throw invalidInput({ city: 'errors.city_invalid' });
  await submitDeclared(db, clock, borrowerId, 'address', { state_code: input.state, city_code: input.city });
}

/** Step 3: employment type and monthly income band, from the dictionaries. */
export async function submitWork(db: Db, clock: Clock, config: KycConfig, borrowerId: number, input: { employment: string; income: string }): Promise<void> {
  if (!findEntry(config.market, 'en', 'EMPLOYMENT_TYPE', input.employment)) throw invalidInput({ employment: 'errors.employment_invalid' });
  if (!findEntry(config.market, 'en', 'SALARY_RANGE', input.income)) throw invalidInput({ income: 'errors.income_invalid' });
  await submitDeclared(db, clock, borrowerId, 'work', { employment: input.employment, income_band: input.income });
}

/**
 * Weighs what the provider read against what the borrower declared: clean
 * matches are approved at once when KYC_AUTO_APPROVE is on, anything else
 * (or everything, when it is off) waits in the staff queue with its flags.
 */
async function evaluate(trx: Executor, clock: Clock, config: KycConfig, borrowerId: number): Promise<IdentityFlag[]> {
  const identity = (await findIdentity(trx, borrowerId))!;
  const declaredId = identity.id_number_sealed ? unseal(config, ID_PURPOSE, identity.id_number_sealed) : '';
  const readId = identity.read_id_sealed ? unseal(config, ID_PURPOSE, identity.read_id_sealed) : null;
  const flags = identityFlags(
    { name: identity.full_name ?? '', idNumber: declaredId },
    { name: identity.read_name, idNumber: readId },
    identity.face_score ?? 0,
    config.kyc.faceMatchMin,
  );
  const now = clock.now().getTime();
  const personal = await currentStatus(trx, borrowerId, 'personal');
  if (!flags.length && config.kyc.autoApprove && personal === 'submitted') {
    await move(trx, borrowerId, 'personal', personal, 'verify', now);
    await move(trx, borrowerId, 'documents', 'submitted', 'verify', now);
    await saveIdentity(trx, borrowerId, { flags: '[]', review: 'approved', reviewed_by: null, reviewed_at: now, updated_at: now });
  } else {
    await saveIdentity(trx, borrowerId, { flags: JSON.stringify(flags), review: 'pending', review_since: now, updated_at: now });
  }
  return flags;
}

async function imageOf(db: Db, clock: Clock, config: KycConfig, upload: UploadRow): Promise<Buffer> {
  const bytes = await readUpload(db, clock, config, upload.path);
  if (!bytes) throw new Error(`upload ${upload.id} has no stored image`);
  return bytes;
}

/** Refuses documents the borrower may not send now (personal details first; a step already in review or verified). */
export async function assertDocumentsOpen(db: Db, borrowerId: number) {
  const identity = await findIdentity(db, borrowerId);
  const personal = await currentStatus(db, borrowerId, 'personal');
  if (!identity?.id_number_sealed || personal === 'not_started') throw new AppError(409, 'personal_first', 'errors.kyc_personal_first');
  if (!nextStepStatus('documents', await currentStatus(db, borrowerId, 'documents'), 'submit')) throw stepProblem();
  return { ...identity, id_number_sealed: identity.id_number_sealed };
}

/**
 * Step 4: the ID's front and back and a selfie (already stored through the
 * upload pipeline, private and stripped of metadata). The provider reads the
 * ID and compares the faces; the outcome is approved or queued for staff.
 */
export async function submitDocuments(
  db: Db,
  clock: Clock,
  config: KycConfig,
  checks: IdentityChecks,
  borrowerId: number,
  uploads: { front: UploadRow; back: UploadRow; selfie: UploadRow },
): Promise<{ flags: IdentityFlag[] }> {
  const identity = await assertDocumentsOpen(db, borrowerId);
  const claimed = { name: identity.full_name ?? '', idNumber: unseal(config, ID_PURPOSE, identity.id_number_sealed) };
  const front = await imageOf(db, clock, config, uploads.front);
  const reading = await checks.extract({ image: front, side: 'front', claimed });
  const face = await checks.faceMatch(await imageOf(db, clock, config, uploads.selfie), front);
  const now = clock.now().getTime();
  return db.transaction(async (trx) => {
    await move(trx, borrowerId, 'documents', await currentStatus(trx, borrowerId, 'documents'), 'submit', now);
    // A personal step sent back together with the documents is looked at again with them.
    const p = await currentStatus(trx, borrowerId, 'personal');
    if (p === 'rejected') await move(trx, borrowerId, 'personal', p, 'submit', now);
    await saveIdentity(trx, borrowerId, {
      id_front_upload_id: uploads.front.id,
      id_back_upload_id: uploads.back.id,
      selfie_upload_id: uploads.selfie.id,
      read_name: reading.name,
      read_id_sealed: reading.idNumber ? seal(config, ID_PURPOSE, reading.idNumber) : null,
      face_score: Math.max(0, Math.min(100, Math.round(face.score))),
      updated_at: now,
    });
    return { flags: await evaluate(trx, clock, config, borrowerId) };
  });
}

/** Identities waiting for staff, oldest first. */
export function identityQueue(db: Db) {
  return pendingIdentities(db);
}

/**
 * One identity for the review screen: declared and read values side by side,
 * the images, the flags. Staff see the whole ID number here, so who looked is
 * written down, like a borrower lookup.
 */
export async function identityForStaff(db: Db, clock: Clock, config: KycConfig, id: number, viewer: { staffId: number; address: string }) {
  const row = await identityWithPhone(db, id);
  if (!row) throw notFound();
  await audit(db, clock, { staffId: viewer.staffId, action: 'view_identity', subject: `identity:${row.id}`, address: viewer.address });
  const uploads = await identityUploads(db, row);
  const byId = new Map(uploads.map((u) => [u.id, u]));
  return {
    row,
    idNumber: row.id_number_sealed ? unseal(config, ID_PURPOSE, row.id_number_sealed) : null,
    readIdNumber: row.read_id_sealed ? unseal(config, ID_PURPOSE, row.read_id_sealed) : null,
    taxId: row.tax_id_sealed ? unseal(config, TAX_PURPOSE, row.tax_id_sealed) : null,
    flags: JSON.parse(row.flags) as IdentityFlag[],
    images: {
      front: row.id_front_upload_id ? byId.get(row.id_front_upload_id) : undefined,
      back: row.id_back_upload_id ? byId.get(row.id_back_upload_id) : undefined,
      selfie: row.selfie_upload_id ? byId.get(row.selfie_upload_id) : undefined,
    },
    steps: await stepStates(db, config, row.borrower_id),
  };
}

export type IdentityDecision = { approve: true } | { approve: false; reason: string; note?: string };

/** Staff approve or reject a pending identity, once (a second decision is 409); audited. */
export async function reviewIdentity(
  db: Db,
  clock: Clock,
  input: { identityId: number; staffId: number; address: string; decision: IdentityDecision },
): Promise<void> {
  const { decision } = input;
  if (!decision.approve && !REJECT_REASONS[decision.reason]) throw invalidInput({ reason: 'errors.invalid_input' });
  const now = clock.now().getTime();
  await db.transaction(async (trx) => {
    const row = await findIdentityById(trx, input.identityId);
    if (!row) throw notFound();
    if (!(await decideIdentity(trx, row.id, decision.approve ? 'approved' : 'rejected', input.staffId, now))) {
      throw new AppError(409, 'already_decided', 'errors.already_decided');
    }
    const steps: readonly StepName[] = decision.approve ? ['personal', 'documents'] : REJECT_REASONS[decision.reason]!;
    for (const step of steps) {
      const current = await currentStatus(trx, row.borrower_id, step);
      if (decision.approve) await move(trx, row.borrower_id, step, current, 'verify', now);
      else if (current === 'submitted') await move(trx, row.borrower_id, step, current, 'reject', now, { code: decision.reason, note: decision.note });
    }
    await audit(trx, clock, {
      staffId: input.staffId,
      action: decision.approve ? 'approve_identity' : 'reject_identity',
      subject: `identity:${row.id}`,
      address: input.address,
      detail: decision.approve ? {} : { reason: decision.reason, note: decision.note ?? null },
    });
  });
}

/** Everything stored about the borrower's identity, opened for them alone (the "what we store" page). */
export async function storedIdentity(db: Db, config: KycConfig, borrowerId: number) {
  const row = await findIdentity(db, borrowerId);
  if (!row) return null;
  return {
    row,
    idNumber: row.id_number_sealed ? unseal(config, ID_PURPOSE, row.id_number_sealed) : null,
    taxId: row.tax_id_sealed ? unseal(config, TAX_PURPOSE, row.tax_id_sealed) : null,
    uploads: await identityUploads(db, row),
  };
}

/**
 * Records a borrower as verified in one go (the demo borrower, test
 * factories): personal, address, work and documents verified without images.
 */
export async function recordVerifiedIdentity(
  trx: Executor,
  clock: Clock,
  config: KycConfig,
  borrowerId: number,
  person: { fullName: string; birthDate: string; idNumber: string; state: string; city: string; employment: string; income: string },
): Promise<void> {
  const now = clock.now().getTime();
  const idNumber = marketProfile(config.market).nationalId.normalize(person.idNumber);
  await saveIdentity(trx, borrowerId, {
    full_name: person.fullName,
    birth_date: person.birthDate,
    id_number_sealed: seal(config, ID_PURPOSE, idNumber),
    id_number_hash: lookupHash(config, ID_PURPOSE, idNumber),
    state_code: person.state,
    city_code: person.city,
    employment: person.employment,
    income_band: person.income,
    review: 'approved',
    reviewed_at: now,
    updated_at: now,
  });
  for (const step of ['personal', 'address', 'work', 'documents'] as const) await setStep(trx, borrowerId, step, { status: 'verified', at: now });
}

/** The borrower's identity row (undefined before the first step). */
export function identityOf(db: Db, borrowerId: number): Promise<IdentityRow | undefined> {
  return findIdentity(db, borrowerId);
}

/** The uploads an identity row names (its documents and selfie). */
export function uploadsOfIdentity(db: Db, identity: IdentityRow) {
  return identityUploads(db, identity);
}
