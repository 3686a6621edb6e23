import fs from 'node:fs';
import test from 'ava';
import { BROWSER_ACCEPT, Client } from '../helpers/client.ts';
import { clabeFor, makeBorrower } from '../helpers/factories.ts';
import { isUniqueViolation } from '../../src/data/db.ts';
import { curpCheckDigit } from '../../src/domain/validators/curp.ts';
import { darkPhoto, documentsRequest, PERSON, personWith, photo, redPhoto, verifyByApp } from '../helpers/identity.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { expectOutcome } from '../helpers/signup.ts';
import { staffClient } from '../helpers/staff.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server.close());

/** A new borrower with no verification yet, signed in through the app's JSON call. */
async function unverifiedApp() {
  const borrower = await makeBorrower(server.db, { verified: false });
  const app = new Client(server.url);
  const res = await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  if (res.json().status !== 200) throw new Error(res.text);
  return { borrower, app };
}

const steps = async (app: Client) => (await app.getJson('/Identity/index')).json().data;
const stepOf = async (app: Client, step: string) => (await steps(app)).steps.find((s: { step: string }) => s.step === step);

test('apply is refused until every step is verified; the home page names the missing step; then the loan is taken', async (t) => {
  const { app } = await unverifiedApp();
  const refused = await app.postApp('/Loan/reLoan', { money: '2000', time: '7' });
  expectOutcome(t, refused, 403);
  t.regex(refused.json().message, /personal details/);
  const home = await app.get('/Repay/index.shtml', { Accept: 'text/html' });
  t.regex(home.text, /id="kyc-missing"/);
  t.regex(home.text, /href="\/Identity\/personal"/);
  t.notRegex(home.text, /id="quote-form"/);
  t.regex(home.text, /You can borrow once your verification is complete/);
  t.notRegex(home.text, /current loan is repaid/, 'a new borrower has no loan to repay');

  const first = await steps(app);
  t.is(first.done, 0);
  t.is(first.total, 5);
  t.deepEqual(first.steps.map((s: { status: string }) => s.status), ['not_started', 'not_started', 'not_started', 'not_started', 'not_started']);
  t.deepEqual(first.steps.map((s: { state: string }) => s.state), ['10', '10', '10', '10', '10']);

  const answers = await verifyByApp(app, personWith('Ana María Prueba'));
  for (const a of answers) t.is(JSON.parse(a.text).status, 200, a.text);
  const done = await steps(app);
  t.is(done.done, 5);
  t.true(done.complete);
  t.deepEqual(done.steps.map((s: { status: string }) => s.status), ['verified', 'verified', 'verified', 'verified', 'verified']);

  const accounts = (await app.getJson('/Bank/info')).json().data.list;
  t.is(accounts.length, 1);
  t.like(accounts[0], { bank_name: 'BANAMEX', last4: '7771', account: '•••• 7771', status: 'verified', is_default: true });
  t.false(JSON.stringify(accounts).includes('002010077777777771'), 'the account number never leaves whole');

  const applied = await app.postApp('/Loan/reLoan', { money: '2000', time: '7' });
  expectOutcome(t, applied, 200);
  expectOutcome(t, await app.postApp('/Index/ajaxApply', { kfs_ack: '1' }), 200);
});

test('personal details: the market rule, age, the date the CURP encodes, and one CURP per borrower', async (t) => {
  const { app } = await unverifiedApp();
  const bad = await app.postApp('/Identity/personal', { ...PERSON, id_number: 'HEGG560427MVZRRL05' });
  expectOutcome(t, bad, 422);
  t.regex(bad.json().message, /CURP/);
  expectOutcome(t, await app.postApp('/Identity/personal', { ...PERSON, birth_date: '1956-04-28' }), 422);
  expectOutcome(t, await app.postApp('/Identity/personal', { ...PERSON, birth_date: '1956-02-30' }), 422);
  expectOutcome(t, await app.postApp('/Identity/personal', { ...PERSON, tax_id: 'GODE561231GR9' }), 422);
  const youngCurp = 'JOPE090101HDFRRNA' + curpCheckDigit('JOPE090101HDFRRNA');
  const young = await app.postApp('/Identity/personal', { full_name: 'Joven Persona', birth_date: '2009-01-01', id_number: youngCurp }, { 'Accept-Language': 'es' });
  expectOutcome(t, young, 422);
  t.regex(young.json().message, /18 años/);
  t.is((await stepOf(app, 'personal')).status, 'not_started', 'nothing was stored');

  const spanish = await app.postApp('/Identity/personal', { ...PERSON, id_number: 'nope' }, { 'Accept-Language': 'es' });
  t.regex(spanish.json().message, /no es válida/);

  expectOutcome(t, await app.postApp('/Identity/personal', { ...PERSON, id_number: 'MAHJ280603MSPRRV09', birth_date: '1928-06-03', tax_id: 'GODE561231GR8' }), 200);
  t.is((await stepOf(app, 'personal')).status, 'submitted');

  const other = await unverifiedApp();
  const taken = await other.app.postApp('/Identity/personal', { ...PERSON, id_number: 'mahj280603msprrv09', birth_date: '1928-06-03' });
  expectOutcome(t, taken, 409);
  t.regex(taken.json().message, /another account/);
});

test('address and work come from the dictionaries; dict/list serves them like seed 000', async (t) => {
  const { app } = await unverifiedApp();
  expectOutcome(t, await app.postApp('/Identity/address', { state: 'JC', city: 'NL-01' }), 422);
  expectOutcome(t, await app.postApp('/Identity/address', { state: 'XX', city: 'JC-01' }), 422);
  expectOutcome(t, await app.postApp('/Identity/work', { employment: 'astronaut', income: '10k_20k' }), 422);
  expectOutcome(t, await app.postApp('/Identity/address', { state: 'NL', city: 'NL-01' }), 200);
  expectOutcome(t, await app.postApp('/Identity/work', { employment: 'self_employed', income: 'lt5k' }), 200);
  t.is((await stepOf(app, 'address')).status, 'verified');
  t.is((await stepOf(app, 'work')).status, 'verified');

  const dict = await new Client(server.url).getJson('/Dict/list?type=SALARY_RANGE,STATE,NOPE&lang=es');
  const data = dict.json().data;
  t.is(data.version, '2026-11');
  t.deepEqual(Object.keys(data).sort(), ['salaryRangeList', 'stateList', 'version']);
  t.deepEqual(data.salaryRangeList[0], { code: 'lt5k', value: 'Menos de 5,000 MXN' });
  t.is(typeof data.stateList[0].code, 'string');
  const page = await app.get('/Identity/address', { Accept: 'text/html' });
  t.regex(page.text, /<optgroup label="Nuevo León">/);
});

test('documents: the sandbox reads the ID; a mismatch waits for staff, who reject with a reason the borrower sees, then approve', async (t) => {
  const { app, borrower } = await unverifiedApp();
  expectOutcome(t, await app.request('POST', '/Identity/documents', documentsRequest({ id_front: await photo(), id_back: await photo(), selfie: await photo() })), 409, 'personal details first');
  expectOutcome(t, await app.postApp('/Identity/personal', PERSON), 200);
  const missing = await app.request('POST', '/Identity/documents', documentsRequest({ id_front: await photo() }));
  expectOutcome(t, missing, 422);

  // A red ID reads somebody else; a red selfie scores 35.
  const sent = await app.request('POST', '/Identity/documents', documentsRequest({ id_front: await redPhoto(), id_back: await photo(), selfie: await redPhoto() }));
  expectOutcome(t, sent, 200);
  t.deepEqual(sent.json().data.flags, ['name_mismatch', 'id_mismatch', 'face_low']);
  t.is((await stepOf(app, 'documents')).status, 'submitted');
  t.is((await stepOf(app, 'personal')).status, 'submitted');

  const { c: staff, token } = await staffClient(server);
  const id = (await server.db('identities').where({ borrower_id: borrower.id }).first()).id;
  const queue = await staff.get('/support/identities', { Accept: 'text/html' });
  t.regex(queue.text, new RegExp(`href="/support/identities/${id}"`));
  const screen = await staff.get(`/support/identities/${id}`, { Accept: 'text/html' });
  t.regex(screen.text, /HEGG560427MVZRRL04/);
  t.regex(screen.text, /SANDBOX OTRA PERSONA/);
  t.regex(screen.text, /id="face-score">35/);
  t.is((screen.text.match(/\/Public\/Upload\/\d{8}\/[0-9a-f]{32}\.thumb\.jpg/g) ?? []).length, 3, 'front, back and selfie side by side');
  const img = /src="(\/Public\/Upload\/[^"]+)"/.exec(screen.text)![1]!;
  t.is((await staff.get(img)).status, 200);

  const rejected = await staff.postForm(`/support/identities/${id}`, { _csrf: token, decision: 'reject', reason: 'name_mismatch', note: 'Otra persona' });
  t.is(rejected.status, 303);
  const again = await staff.postForm(`/support/identities/${id}`, { _csrf: token, decision: 'approve' });
  t.is(again.status, 303, 'a second decision is refused (flashed)');
  const personal = (await app.getJson('/Identity/index', { 'Accept-Language': 'es' })).json().data.steps[0];
  t.like(personal, { step: 'personal', status: 'rejected', reason: 'name_mismatch', note: 'Otra persona' });
  t.regex(personal.reason_text, /nombre/);
  const progressPage = await app.get('/Identity/index?lang=es', { Accept: 'text/html' });
  t.regex(progressPage.text, /El nombre de tu identificación es distinto/);

  // The borrower fixes it and sends ordinary photos: approved at once.
  expectOutcome(t, await app.postApp('/Identity/personal', PERSON), 200);
  const resent = await app.request('POST', '/Identity/documents', documentsRequest({ id_front: await photo(), id_back: await photo(), selfie: await photo() }));
  t.deepEqual(resent.json().data.flags, []);
  t.is((await stepOf(app, 'documents')).status, 'verified');
  expectOutcome(t, await app.postApp('/Identity/personal', PERSON), 409, 'a verified identity is locked');

  const audit = await server.db('audit_log').where({ subject: `identity:${id}` });
  t.deepEqual(audit.map((a) => a.action), ['view_identity', 'reject_identity']);
});

test('staff approve an unreadable ID by hand after looking; the approval is audited', async (t) => {
  const { app } = await unverifiedApp();
  expectOutcome(t, await app.postApp('/Identity/personal', personWith('Demo Otra')), 200);
  const sent = await app.request('POST', '/Identity/documents', documentsRequest({ id_front: await darkPhoto(), id_back: await photo(), selfie: await photo() }));
  t.deepEqual(sent.json().data.flags, ['unreadable']);
  const row = await server.db('identities').where({ id_number_hash: server.db.raw('id_number_hash') }).andWhere({ review: 'pending', full_name: 'Demo Otra' }).first();
  const { c: staff, token, staff: who } = await staffClient(server);
  t.is((await staff.postForm(`/support/identities/${row.id}`, { _csrf: token, decision: 'approve' })).status, 303);
  t.is((await stepOf(app, 'documents')).status, 'verified');
  t.is((await stepOf(app, 'personal')).status, 'verified');
  t.truthy(await server.db('audit_log').where({ subject: `identity:${row.id}`, action: 'approve_identity', staff_id: who.id }).first());
  t.is((await new Client(server.url).get(`/support/identities/${row.id}`)).status, 302, 'the console needs staff');
});

test('bank accounts: CLABE rules, bank named, holder checked by the sandbox, several with one default, never someone else\'s', async (t) => {
  const { app } = await unverifiedApp();
  expectOutcome(t, await app.postApp('/Bank/add', { account: '002010077777777771' }), 409, 'personal details first');
  expectOutcome(t, await app.postApp('/Identity/personal', personWith('Ana Cuenta')), 200);
  const wrong = await app.postApp('/Bank/add', { account: '002010077777777772' });
  expectOutcome(t, wrong, 422);
  t.regex(wrong.json().message, /CLABE/);
  expectOutcome(t, await app.postApp('/Bank/add', { account: '999180000123456782' }), 422, 'unknown bank');

  const first = await app.postApp('/Bank/add', { account: '032180000118359719' });
  t.like(first.json().data, { bank_name: 'IXE', status: 'verified', is_default: true, account: '•••• 9719' });
  const second = await app.postApp('/Bank/add', { account: '012 180 00012345678 2' });
  t.like(second.json().data, { bank_name: 'BBVA MEXICO', status: 'verified', is_default: false });
  expectOutcome(t, await app.postApp('/Bank/add', { account: '012180000123456782' }), 409, 'already added');
  // The sandbox: ...0000 before the check digit is somebody else's account, ...9999 an unavailable bank.
  const foreign = await app.postApp('/Bank/add', { account: '012180000111100008' });
  t.like(foreign.json().data, { status: 'rejected', reason: 'holder_mismatch' });
  const pending = await app.postApp('/Bank/add', { account: '012180000111199996' });
  t.like(pending.json().data, { status: 'pending' });

  expectOutcome(t, await app.postApp('/Bank/default', { id: String(foreign.json().data.id) }), 409, 'only a verified account');
  expectOutcome(t, await app.postApp('/Bank/default', { id: String(second.json().data.id) }), 200);
  const list = (await app.getJson('/Bank/info')).json().data.list;
  t.is(list.filter((a: { is_default: boolean }) => a.is_default).length, 1);
  t.is(list[0].id, second.json().data.id);
  t.is((await stepOf(app, 'bank')).status, 'verified');

  // Verified for this borrower: nobody else may add it.
  const other = await unverifiedApp();
  expectOutcome(t, await other.app.postApp('/Identity/personal', personWith('Otro Titular')), 200);
  const stolen = await other.app.postApp('/Bank/add', { account: '032180000118359719' });
  expectOutcome(t, stolen, 409);
  t.regex(stolen.json().message, /another person/);
  expectOutcome(t, await other.app.postApp('/Bank/default', { id: String(first.json().data.id) }), 404, "someone else's account");
});

test("another borrower's documents and accounts answer 404", async (t) => {
  const owner = await unverifiedApp();
  await verifyByApp(owner.app, personWith('Dueña Docs'), clabeFor(880_001));
  const page = await owner.app.get('/Identity/documents', { Accept: 'text/html' });
  const paths = [...page.text.matchAll(/href="\/Public\/Upload\/([^"]+)"/g)].map((m) => m[1]!);
  t.is(paths.length, 3);
  t.is((await owner.app.get(`/Public/Upload/${paths[0]}`)).status, 200);

  const intruder = await unverifiedApp();
  for (const p of paths) t.is((await intruder.app.get(`/Public/Upload/${p}`)).status, 404);
  expectOutcome(t, await intruder.app.postApp('/Identity/personal', personWith('Intrusa')), 200);
  const reuse = await intruder.app.postApp('/Identity/documents', { id_front: paths[0]!, id_back: paths[1]!, selfie: paths[2]! });
  expectOutcome(t, reuse, 404);
  const ownerAccount = (await owner.app.getJson('/Bank/info')).json().data.list[0];
  expectOutcome(t, await intruder.app.postApp('/Bank/default', { id: String(ownerAccount.id) }), 404);
  t.deepEqual((await intruder.app.getJson('/Bank/info')).json().data.list, []);
});

test('ID and account numbers are unreadable in the database file and unique by keyed hash; the stored page shows them masked', async (t) => {
  const { app } = await unverifiedApp();
  const person = personWith('Nombre Visible Único');
  const clabe = clabeFor(880_002);
  const answers = await verifyByApp(app, person, clabe);
  t.true(answers.every((a) => JSON.parse(a.text).status === 200), answers.map((a) => a.text).join('\n'));
  const identity = await server.db('identities').where({ full_name: person.full_name }).first();
  t.false(String(identity.id_number_sealed).includes(person.id_number));
  t.regex(identity.id_number_sealed, /^dev:/, 'the key id leads the ciphertext');
  t.regex(identity.id_number_hash, /^[0-9a-f]{64}$/);
  const account = await server.db('bank_accounts').where({ borrower_id: identity.borrower_id }).first();
  t.false(String(account.number_sealed).includes(clabe));
  if (server.config.database.client === 'better-sqlite3') {
    const file = server.config.database.filename;
    const raw = Buffer.concat([fs.readFileSync(file), ...(fs.existsSync(`${file}-wal`) ? [fs.readFileSync(`${file}-wal`)] : [])]).toString('latin1');
    t.true(raw.includes('Nombre Visible'), 'the scan reads the file the data is in');
    t.false(raw.includes(person.id_number));
    t.false(raw.includes(clabe));
  }
  // The database itself refuses a second row with the same national ID hash.
  const other = await makeBorrower(server.db, { verified: false });
  const duplicate = await server.db('identities').insert({ borrower_id: other.id, id_number_hash: identity.id_number_hash, flags: '[]', review: 'none', created_at: 1, updated_at: 1 }).then(() => null, (err: unknown) => err);
  t.true(isUniqueViolation(duplicate));

  const stored = (await app.getJson('/Identity/stored')).json().data;
  t.is(stored.identity.full_name, person.full_name);
  t.is(stored.identity.id_number, `•••• ${person.id_number.slice(-4)}`);
  t.is(stored.bank_accounts[0].account, `•••• ${clabe.slice(-4)}`);
  const page = await app.get('/Identity/stored?lang=es', { Accept: 'text/html' });
  t.regex(page.text, /Lo que guardamos sobre ti/);
  t.false(page.text.includes(person.id_number));
});

test('pages: progress, each step and the bank page render in Spanish; a bad form re-renders with the error', async (t) => {
  const { app } = await unverifiedApp();
  for (const path of ['/Identity/index', '/Identity/personal', '/Identity/address', '/Identity/work', '/Identity/documents', '/Bank/index', '/Identity/stored']) {
    const res = await app.get(`${path}?lang=es`, { Accept: 'text/html' });
    t.is(res.status, 200, path);
  }
  t.regex((await app.get('/Identity/index?lang=es', { Accept: 'text/html' })).text, /0 de 5 listos/);
  const token = await app.csrf('/Identity/personal');
  const res = await app.postForm('/Identity/personal', { _csrf: token, ...PERSON, id_number: 'XXXX' }, { Accept: 'text/html' });
  t.is(res.status, 422);
  t.regex(res.text, /aria-invalid="true" aria-describedby="e-id_number"/);
  t.is((await new Client(server.url).get('/Identity/index', { Accept: 'text/html' })).status, 302, 'visitors go to sign in');
});

test('a burst of borrowers adding the same account at once: exactly one gets it verified', async (t) => {
  const clabe = clabeFor(880_003);
  const apps = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
    const { app } = await unverifiedApp();
    expectOutcome(t, await app.postApp('/Identity/personal', personWith(`Rafaga Persona ${'ABCDEFGH'[i]}`)), 200);
    return app;
  }));
  const answers = await Promise.all(apps.map((app) => app.postApp('/Bank/add', { account: clabe })));
  const statuses = answers.map((a) => a.json().status).sort();
  t.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409], answers.map((a) => a.text).join('\n'));
  const verified = await server.db('bank_accounts').where({ status: 'verified' }).whereNotNull('verified_hash');
  t.is(new Set(verified.map((v) => v.verified_hash)).size, verified.length, 'one verified owner per account number');
});

test('the app may upload each picture with Info/ajaxUpload and send the paths (or full upload URLs)', async (t) => {
  const { app } = await unverifiedApp();
  expectOutcome(t, await app.postApp('/Identity/personal', personWith('Ruta Por App')), 200);
  const upload = async (bytes: Buffer) => {
    const { body, headers } = documentsRequest({ file: bytes });
    const res = await app.request('POST', '/Info/ajaxUpload', { body, headers });
    t.is(res.json().status, 1, res.text);
    return res.json().info as string;
  };
  const front = await upload(await photo('#c0b090'));
  const back = await upload(await photo('#a0a0a0'));
  const selfie = await upload(await photo('#907060'));
  const sent = await app.postApp('/Identity/documents', { id_front: front, id_back: `${server.url}/Public/Upload/${back}`, selfie });
  expectOutcome(t, sent, 200);
  t.deepEqual(sent.json().data, { flags: [], status: 'verified' });
  const page = await app.get('/Identity/documents', { Accept: 'text/html' });
  t.true(page.text.includes(`/Public/Upload/${front}`), 'the ID is shown back to its owner');
});

test('a file that is not an image among the documents brings the form back with the reason, not a bare error page', async (t) => {
  const { app } = await unverifiedApp();
  expectOutcome(t, await app.postApp('/Identity/personal', personWith('Ana Documento')), 200);
  const token = await app.csrf('/Identity/documents');
  const request = documentsRequest({ id_front: await photo(), id_back: await photo(), selfie: Buffer.from('not a picture at all') }, { _csrf: token });
  const page = await app.request('POST', '/Identity/documents?lang=es', { body: request.body, headers: { 'Content-Type': request.headers['Content-Type'], Accept: BROWSER_ACCEPT } });
  t.is(page.status, 415);
  t.regex(page.text, /name="selfie"/, 'the documents form is shown again');
  t.notRegex(page.text, /Volver al inicio/);
});
