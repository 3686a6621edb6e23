import test from 'ava';
import type { Db } from '../../src/data/db.ts';
import { recentAuditRows } from '../../src/data/repositories/audit-log.ts';
import { BILL_OF_LOAN } from '../../src/data/repositories/bills.ts';
import { BORROWER_BY_ID } from '../../src/data/repositories/borrowers.ts';
import { complaintsInState } from '../../src/data/repositories/complaints.ts';
import { feedbackInState } from '../../src/data/repositories/feedback.ts';
import { loansInStateWithBorrower, loansOf, NEWEST_LOAN } from '../../src/data/repositories/loans.ts';
import { countPendingProofsQuery, pendingProofs, PROOFS_OF_BILL } from '../../src/data/repositories/proofs.ts';
import { SETTLEMENTS_OF_BILL } from '../../src/data/repositories/settlements.ts';
import { SESSION_BY_ID } from '../../src/data/repositories/sessions.ts';
import { CONSOLE_PAGE_SIZE } from '../../src/services/console-lists.ts';
import { seedVolume, type VolumeSummary } from '../../src/services/volume.ts';
import type { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

// Console lists at volume: keyset pages, search by phone and order number, and
// the query plans of the hot statements (on SQLite and, in the PostgreSQL
// suite, on PostgreSQL).

let server: TestServer;
let volume: VolumeSummary;
let admin: Client;
test.before(async () => {
  server = await startServer();
  volume = await seedVolume(server.db, server.config, server.clock.now().getTime(), { borrowers: 3000, loans: 15000, batch: 1000, seed: 7 });
  await server.db.raw('analyze');
  admin = (await staffClient(server, 'admin')).c;
});
test.after.always(() => server?.close());

const html = (path: string) => admin.get(path, { Accept: 'text/html' });
const proofIds = (text: string) => [...text.matchAll(/href="\/support\/proofs\/(\d+)"/g)].map((m) => Number(m[1]));
const nextLink = (text: string) => /<a rel="next" href="([^"]+)"/.exec(text)?.[1]?.replace(/&amp;/g, '&');

test('the generator writes realistic histories: repaid, overdue, extended, in review, proofs, complaints and audit rows', async (t) => {
  t.is(volume.borrowers, 3000);
  t.is(volume.loans, 15000);
  for (const key of ['bills', 'settlements', 'proofs', 'pendingProofs', 'complaints', 'messages', 'audit', 'inReview', 'overdue', 'extended'] as const) {
    t.true(volume[key] > 0, key);
  }
  const db = server.db;
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await db(table).where(where).count<{ n: number }[]>({ n: '*' }).first())!.n);
  t.is(await count('loans'), 15000);
  t.is(await count('proofs', { status: 'pending' }), volume.pendingProofs);
  t.true((await count('bills', { status: 'repaid' })) > (await count('bills', { status: 'open' })));
  // At most one open loan per borrower (the database's own rule held through the bulk load).
  t.is(await count('loans', { status: 'in_review' }), volume.inReview);
  // A repaid bill's settlements add up to what it owed.
  const bill = await db('bills').where({ status: 'repaid', delay_count: 0 }).first();
  const paid = await db('settlements').where({ bill_id: bill.id }).sum<{ s: number }[]>({ s: 'amount' }).first();
  t.is(Number(paid!.s), Number(bill.principal) + Number(bill.repay_interest));
});

test('the proof queue pages by keyset: every pending proof once, oldest first, 50 a page, with the total', async (t) => {
  t.true(volume.pendingProofs > CONSOLE_PAGE_SIZE, 'more than one page to walk');
  const expected = (await server.db('proofs').where({ status: 'pending' }).orderBy('id').select('id')).map((r) => r.id as number);
  const seen: number[] = [];
  let path: string | undefined = '/support/';
  let pages = 0;
  while (path) {
    const res = await html(path);
    t.is(res.status, 200, path);
    const ids = proofIds(res.text);
    t.true(ids.length <= CONSOLE_PAGE_SIZE);
    if (pages === 0) t.regex(res.text, new RegExp(`<h1>${volume.pendingProofs} proofs waiting</h1>`), 'the heading counts every pending proof, not the page');
    seen.push(...ids);
    path = nextLink(res.text);
    pages++;
    t.true(pages < 100);
  }
  t.deepEqual(seen, expected);
  t.is(pages, Math.ceil(expected.length / CONSOLE_PAGE_SIZE));
});

test('the queue is searchable by phone and by order number; no match says so and lists nothing', async (t) => {
  const proof = await server.db('proofs').join('borrowers', 'borrowers.id', 'proofs.borrower_id').join('bills', 'bills.id', 'proofs.bill_id').join('loans', 'loans.id', 'bills.loan_id')
    .where('proofs.status', 'pending').orderBy('proofs.id', 'desc').first('proofs.id', 'borrowers.phone', 'loans.oid', 'proofs.borrower_id');
  const theirs = (await server.db('proofs').where({ status: 'pending', borrower_id: proof.borrower_id }).orderBy('id').select('id')).map((r) => r.id);
  const byPhone = await html(`/support/?q=${encodeURIComponent(` ${proof.phone} `)}`);
  t.deepEqual(proofIds(byPhone.text), theirs);
  t.regex(byPhone.text, new RegExp(`<h1>${theirs.length} ${theirs.length === 1 ? 'proof' : 'proofs'} waiting</h1>`), 'the heading counts what the search found');
  t.regex(byPhone.text, new RegExp(`value="${proof.phone}"`), 'the search box keeps what was asked');
  const byOid = await html(`/support/?q=${proof.oid}`);
  t.deepEqual(proofIds(byOid.text), [proof.id]);
  const none = await html('/support/?q=5999999999');
  t.is(none.status, 200);
  t.deepEqual(proofIds(none.text), []);
  t.regex(none.text, /No borrower or loan has that phone or order number/);
  const noneEs = await admin.get('/support/?q=2026010100000000000001&lang=es', { Accept: 'text/html' });
  t.regex(noneEs.text, /Ningún cliente ni préstamo tiene ese teléfono o número de pedido/);
  // A bad keyset or an absurd search is a clear error, never a 500.
  for (const bad of ['after=abc', 'after=-3', `q=${'9'.repeat(41)}`]) {
    const res = await html(`/support/?${bad}`);
    t.true(res.status >= 400 && res.status < 500, `${bad}: ${res.status}`);
    t.notRegex(res.text, /at .*\.ts:\d+/, 'no stack trace');
  }
});

test('loans in review, complaints, feedback and the audit log page and search the same way', async (t) => {
  // Loans in review: search by order number finds exactly that loan.
  const review = await server.db('loans').join('borrowers', 'borrowers.id', 'loans.borrower_id').where('loans.status', 'in_review').orderBy('loans.id').first('loans.id', 'loans.oid', 'borrowers.phone');
  const loansPage = await html(`/support/loans?q=${review.oid}`);
  t.is(loansPage.status, 200);
  t.deepEqual([...loansPage.text.matchAll(/action="\/support\/loans\/(\d+)"/g)].map((m) => Number(m[1])).filter((v, i, a) => a.indexOf(v) === i), [review.id]);
  // Complaints: closed ones span several pages; following the links lists each once, oldest first.
  const closed = (await server.db('complaints').where({ status: 'closed' }).orderBy('id').select('number')).map((r) => r.number as string);
  t.true(closed.length > CONSOLE_PAGE_SIZE);
  const numbers: string[] = [];
  let path: string | undefined = '/support/complaints?status=closed';
  while (path) {
    const res = await html(path);
    numbers.push(...[...res.text.matchAll(/href="\/support\/complaints\/\d+">([^<]+)</g)].map((m) => m[1]!));
    path = nextLink(res.text);
    if (path) t.regex(path, /status=closed/, 'the next page keeps the status');
  }
  t.deepEqual(numbers, closed);
  // The audit log, newest first, searched by phone: that borrower's entries only.
  const viewed = await server.db('audit_log').where({ action: 'view_borrower' }).orderBy('id', 'desc').first('subject');
  const borrower = await server.db('borrowers').where({ id: Number(viewed.subject.split(':')[1]) }).first('phone');
  const audit = await html(`/support/audit?q=${borrower.phone}`);
  t.is(audit.status, 200);
  t.regex(audit.text, new RegExp(`<code>${viewed.subject}</code>`));
  t.is([...audit.text.matchAll(/<code>borrower:\d+<\/code>/g)].length, [...audit.text.matchAll(new RegExp(`<code>${viewed.subject}</code>`, 'g'))].length);
  const first = await html('/support/audit');
  t.truthy(nextLink(first.text), 'hundreds of entries: more than one page');
  t.is((await html(nextLink(first.text)!)).status, 200);
  t.is((await html('/support/feedback?status=closed')).status, 200);
});

/** The plan of one statement, one line per step. */
async function plan(db: Db, sql: string, bindings: ReadonlyArray<unknown>): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    // Tiny test tables make a sequential scan cheapest; with it priced out, the plan shows whether an index can serve the statement.
    return db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const res = await trx.raw(`explain ${sql}`, bindings as never);
      return (res.rows as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']);
    });
  }
  const rows = (await db.raw(`explain query plan ${sql}`, bindings as never)) as Array<{ detail: string }>;
  return rows.map((r) => r.detail);
}

test('the hot statements read through an index, never a full scan or a sort of the table', async (t) => {
  const db = server.db;
  const loan = await db('loans').where({ status: 'disbursed' }).first();
  const bill = await db('bills').where({ loan_id: loan.id }).first();
  const page = (extra = {}) => ({ after: 10, limit: CONSOLE_PAGE_SIZE + 1, ...extra });
  const built = (q: { toSQL(): { sql: string; bindings: readonly unknown[] } }) => q.toSQL();
  const statements: Array<[string, { sql: string; bindings: readonly unknown[] }, { ordered?: boolean }]> = [
    ['session', { sql: SESSION_BY_ID, bindings: ['x'.repeat(64)] }, {}],
    ['borrower', { sql: BORROWER_BY_ID, bindings: [loan.borrower_id] }, {}],
    ['newest loan', { sql: NEWEST_LOAN, bindings: [loan.borrower_id] }, { ordered: true }],
    ['bill of loan', { sql: BILL_OF_LOAN, bindings: [loan.id] }, {}],
    ['loan history', built(loansOf(db, loan.borrower_id) as never), { ordered: true }],
    ['proofs of bill', { sql: PROOFS_OF_BILL, bindings: [bill.id] }, {}],
    ['settlements of bill', { sql: SETTLEMENTS_OF_BILL, bindings: [bill.id] }, {}],
    ['loan by order number', built(db('loans').where({ oid: loan.oid })), {}],
    ['borrower by phone', built(db('borrowers').where({ phone: '5700000001' })), {}],
    ['proof queue page', built(pendingProofs(db, page())), { ordered: true }],
    ['proof queue by borrower', built(pendingProofs(db, page({ borrowerId: loan.borrower_id }))), {}],
    ['proof queue by loan', built(pendingProofs(db, page({ loanId: loan.id }))), {}],
    ['proofs waiting, counted to 1,001', built(countPendingProofsQuery(db, {}, 1001)), {}],
    ['proofs waiting from a borrower', built(countPendingProofsQuery(db, { borrowerId: loan.borrower_id }, 1001)), {}],
    ['proofs waiting on a loan', built(countPendingProofsQuery(db, { borrowerId: loan.borrower_id, loanId: loan.id }, 1001)), {}],
    ['the whole backlog (the metric)', built(countPendingProofsQuery(db, {})), {}],
    ['loans in review page', built(loansInStateWithBorrower(db, 'in_review', page())), { ordered: true }],
    ['loans in review by borrower', built(loansInStateWithBorrower(db, 'in_review', page({ borrowerId: loan.borrower_id }))), {}],
    ['complaints page', built(complaintsInState(db, 'closed', page())), { ordered: true }],
    ['complaints by borrower', built(complaintsInState(db, 'open', page({ borrowerId: loan.borrower_id }))), {}],
    ['feedback page', built(feedbackInState(db, 'open', page()) as never), { ordered: true }],
    ['audit page', built(recentAuditRows(db, page())), { ordered: true }],
    ['audit by subject', built(recentAuditRows(db, { ...page(), subjects: [`borrower:${loan.borrower_id}`] })), {}],
  ];
  for (const [name, { sql, bindings }, { ordered }] of statements) {
    const steps = await plan(db, sql, bindings);
    const text = steps.join('\n');
    // The staff table holds a handful of rows: the planner may read all of them rather than look one up. A count reads its
    // own bounded subquery ("waiting") through. Every other step finds its rows by an index.
    const big = steps.filter((s) => !/\b(SCAN|Seq Scan on) staff\b/.test(s) && s !== 'SCAN waiting' && s !== 'CO-ROUTINE waiting');
    t.notRegex(big.join('\n'), /Seq Scan|^SCAN \w+$/m, `${name} scans a whole table:\n${text}`);
    if (db.client.config.client !== 'pg') t.true(big.filter((s) => /^(SEARCH|SCAN) /.test(s)).every((s) => /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY/.test(s)), `${name}:\n${text}`);
    // PostgreSQL may sort the few rows its statistics say an index range holds (52 pending proofs here); SQLite's plan is fixed by its indexes.
    if (ordered && db.client.config.client !== 'pg') t.notRegex(text, /TEMP B-TREE|^\s*(->\s*)?Sort\b/m, `${name} sorts instead of reading in index order:\n${text}`);
  }
});
