import test from 'ava';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';
import { seedVolume } from '../../src/services/volume.ts';

// The proof queue's heading on a backlog of thousands: it counts to 1,000 and
// then says "more than", so the page costs the same however long the queue;
// the exact backlog is a metric. A search counts only what it found.

const TOKEN = 'metrics-token-for-the-tests-0123';
let server: TestServer;
let admin: Client;
/** Two borrowers with an open bill each: one left with exactly 1,000 proofs waiting, the other with 1,001. */
let thousand: { phone: string };
let thousandAndOne: { phone: string };
let backlog: number;

test.before(async () => {
  server = await startServer({ METRICS_TOKEN: TOKEN });
  const db = server.db;
  await seedVolume(db, server.config, server.clock.now().getTime(), { borrowers: 200, loans: 600, batch: 600, seed: 11 });
  const open = await db('bills').join('loans', 'loans.id', 'bills.loan_id').join('borrowers', 'borrowers.id', 'loans.borrower_id').where('bills.status', 'open').orderBy('bills.id').limit(2).select('bills.id', 'loans.borrower_id', 'borrowers.phone');
  const now = server.clock.now().getTime();
  for (const [who, want] of [[open[0], 1000], [open[1], 1001]] as const) {
    const waiting = Number((await db('proofs').where({ status: 'pending', borrower_id: who.borrower_id }).count<{ n: number }[]>({ n: '*' }).first())!.n);
    const rows = Array.from({ length: want - waiting }, (_, i) => ({ borrower_id: who.borrower_id, bill_id: who.id, utr: null, status: 'pending', flags: '[]', created_at: now - i }));
    await db.batchInsert('proofs', rows, 200);
  }
  thousand = { phone: open[0].phone };
  thousandAndOne = { phone: open[1].phone };
  backlog = Number((await db('proofs').where({ status: 'pending' }).count<{ n: number }[]>({ n: '*' }).first())!.n);
  admin = (await staffClient(server, 'admin')).c;
});
test.after.always(() => server?.close());

const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

test('past 1,000 waiting, the heading says "more than 1000" in English and Spanish, and the pages still walk', async (t) => {
  t.true(backlog > 2001);
  const page = await admin.get('/support/', { Accept: 'text/html' });
  t.is(page.status, 200);
  t.is(heading(page.text), 'More than 1000 proofs waiting');
  t.regex(page.text, /<a rel="next" href="\/support\/\?q=&amp;after=\d+">/);
  const es = await (await staffClient(server, 'support')).c.get('/support/?lang=es', { Accept: 'text/html' });
  t.is(heading(es.text), 'Más de 1000 comprobantes en espera');
});

test('exactly 1,000 waiting is counted; 1,001 is "more than 1000"', async (t) => {
  t.is(heading((await admin.get(`/support/?q=${thousand.phone}`, { Accept: 'text/html' })).text), '1000 proofs waiting');
  t.is(heading((await admin.get(`/support/?q=${thousandAndOne.phone}`, { Accept: 'text/html' })).text), 'More than 1000 proofs waiting');
});

test('the metric carries the whole backlog, exactly', async (t) => {
  const text = (await new Client(server.url).request('GET', '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } })).text;
  const line = text.split('\n').find((l) => l.startsWith('cuota_review_backlog{queue="proofs"}'));
  t.is(line, `cuota_review_backlog{queue="proofs"} ${backlog}`);
});

test('a search counts what it found; a borrower or loan with nothing waiting is told so, not congratulated', async (t) => {
  const db = server.db;
  const quiet = await db('borrowers').whereNotIn('id', db('proofs').where({ status: 'pending' }).select('borrower_id')).first('phone');
  const none = await admin.get(`/support/?q=${quiet.phone}`, { Accept: 'text/html' });
  t.is(heading(none.text), '0 proofs waiting');
  t.regex(none.text, /Nothing from this borrower or loan waits for review\./);
  t.notRegex(none.text, /Well done/);
  // A loan still in review has no bill yet, so nothing of it can wait.
  const inReview = await db('loans').where({ status: 'in_review' }).first('oid');
  const byLoan = await admin.get(`/support/?q=${inReview.oid}`, { Accept: 'text/html' });
  t.is(heading(byLoan.text), '0 proofs waiting');
  t.regex(byLoan.text, /Nothing from this borrower or loan waits for review\./);
  // A borrower with a few proofs waiting: the heading counts theirs.
  const few = await db('proofs').join('borrowers', 'borrowers.id', 'proofs.borrower_id').where('proofs.status', 'pending').whereNotIn('borrowers.phone', [thousand.phone, thousandAndOne.phone]).groupBy('borrowers.id', 'borrowers.phone').first('borrowers.phone', db.raw('count(*) as n'));
  t.truthy(few, 'the generator left proofs from other borrowers waiting');
  const n = Number(few.n);
  const found = await admin.get(`/support/?q=${few.phone}`, { Accept: 'text/html' });
  t.is(heading(found.text), `${n} ${n === 1 ? 'proof' : 'proofs'} waiting`);
});
