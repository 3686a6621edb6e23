import test from 'ava';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';
import { seedVolume } from '../../src/services/volume.ts';

// The proof queue's heading on a backlog of thousands: it counts to 1,000 and
// then says "more than", so the page costs the same however long the queue;
// the exact backlog is a metric. A search counts only what it found.

const TOKEN = 'metrics-token-for-the-tests-0123';
const BACKLOG = 1_200;
let server: TestServer;
let admin: Client;
test.before(async () => {
  server = await startServer({ METRICS_TOKEN: TOKEN });
  await seedVolume(server.db, server.config, server.clock.now().getTime(), { borrowers: 200, loans: 600, batch: 600, seed: 11 });
  // Pending proofs from one borrower, on one of their bills, until the queue holds BACKLOG.
  const bill = await server.db('bills').join('loans', 'loans.id', 'bills.loan_id').where('bills.status', 'open').first('bills.id', 'loans.borrower_id');
  const waiting = Number((await server.db('proofs').where({ status: 'pending' }).count<{ n: number }[]>({ n: '*' }).first())!.n);
  const now = server.clock.now().getTime();
  const rows = Array.from({ length: BACKLOG - waiting }, (_, i) => ({ borrower_id: bill.borrower_id, bill_id: bill.id, utr: null, status: 'pending', flags: '[]', created_at: now - i }));
  await server.db.batchInsert('proofs', rows, 200);
  admin = (await staffClient(server, 'admin')).c;
});
test.after.always(() => server?.close());

const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

test('past 1,000 waiting, the heading says "more than 1000" in each language, and the pages still walk', async (t) => {
  const page = await admin.get('/support/', { Accept: 'text/html' });
  t.is(page.status, 200);
  t.is(heading(page.text), 'More than 1000 proofs waiting');
  t.regex(page.text, /<a rel="next" href="\/support\/\?q=&amp;after=\d+">/);
  const es = await (await staffClient(server, 'support')).c.get('/support/?lang=es', { Accept: 'text/html' });
  t.is(heading(es.text), 'Más de 1000 comprobantes en espera');
});

test('the metric carries the whole backlog, exactly', async (t) => {
  const text = (await new Client(server.url).request('GET', '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } })).text;
  const line = text.split('\n').find((l) => l.startsWith('cuota_review_backlog{queue="proofs"}'));
  t.is(line, `cuota_review_backlog{queue="proofs"} ${BACKLOG}`);
});

test('a search counts what it found; a borrower with nothing waiting is told so, not congratulated', async (t) => {
  const busiest = await server.db('proofs').where({ status: 'pending' }).groupBy('borrower_id').orderByRaw('count(*) desc').first('borrower_id', server.db.raw('count(*) as n'));
  const phone = (await server.db('borrowers').where({ id: busiest.borrower_id }).first('phone')).phone;
  const theirs = await admin.get(`/support/?q=${phone}`, { Accept: 'text/html' });
  t.is(heading(theirs.text), `More than 1000 proofs waiting`, 'over a thousand of them are this borrower’s');
  const quiet = await server.db('borrowers').whereNotIn('id', server.db('proofs').where({ status: 'pending' }).select('borrower_id')).first('phone');
  const none = await admin.get(`/support/?q=${quiet.phone}`, { Accept: 'text/html' });
  t.is(heading(none.text), '0 proofs waiting');
  t.regex(none.text, /Nothing from this borrower or loan waits for review\./);
  t.notRegex(none.text, /Well done/);
  const other = await server.db('proofs').where({ status: 'pending' }).whereNot({ borrower_id: busiest.borrower_id }).first('borrower_id');
  t.truthy(other, 'the generator left proofs from other borrowers waiting');
  const n = Number((await server.db('proofs').where({ status: 'pending', borrower_id: other.borrower_id }).count<{ n: number }[]>({ n: '*' }).first())!.n);
  const otherPhone = (await server.db('borrowers').where({ id: other.borrower_id }).first('phone')).phone;
  const found = await admin.get(`/support/?q=${otherPhone}`, { Accept: 'text/html' });
  t.is(heading(found.text), `${n} proof${n === 1 ? '' : 's'} waiting`);
});
