import zlib from 'node:zlib';
import test from 'ava';
import { Client } from '../helpers/client.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { notify, reference } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer({ CONTACTS_ENABLED: 'true' });
});
test.after.always(() => server?.close());

const LIMIT = 30 * 1024;
const gz = (s: string | Buffer) => zlib.gzipSync(s, { level: 9 }).length;

/** Every resource a page loads (stylesheets, scripts, images, icons), not the links it offers. */
function loads(html: string): string[] {
  const found = [
    ...html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g),
    ...html.matchAll(/<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/url\((['"]?)([^'")]+)\1\)/g),
  ];
  return found.map((m) => m[m.length - 1]!);
}

/** The page's compressed weight with its CSS and JS, and what it loads from elsewhere. */
async function weigh(client: Client, path: string) {
  const page = await client.get(path, { Accept: 'text/html' });
  if (page.status !== 200) throw new Error(`${path}: ${page.status}`);
  let total = gz(page.text);
  const foreign: string[] = [];
  for (const src of loads(page.text)) {
    const url = new URL(src.replace(/&amp;/g, '&'), server.url + path);
    if (url.origin !== server.url) {
      foreign.push(src);
      continue;
    }
    if (/\.(css|js)$/.test(url.pathname)) total += gz(Buffer.from(await (await fetch(url)).arrayBuffer()));
  }
  return { total, foreign };
}

test('every borrower page is under 30 KB compressed with its CSS and JS, and loads nothing from another origin', async (t) => {
  const visitor = new Client(server.url);
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const payUrl = async () => (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data as string;
  await app.postApp('/Contact/consent', {});
  const complaint = (await app.postApp('/Complaint/create', { topic: 'service', body: 'A page to weigh, with a message.' })).json().data.number;
  const paid = (await reference(await payUrl(), 1)).json().data.reference;
  await notify(server, { reference: paid, amount: '100.00' });
  const receipt = await server.db('settlements').where({ reference: paid }).first();
  // A new payment URL for what is left after that payment.
  const url = (await payUrl()).replace(server.url, '');
  const pages: Array<[Client, string]> = [
    [visitor, '/Index/login'],
    [visitor, '/Repay/index.shtml'],
    [visitor, '/Index/contact'],
    [visitor, '/Feedback/index'],
    [visitor, '/Index/languages'],
    [visitor, '/Complaint/index'],
    [app, '/Complaint/index'],
    [app, `/Complaint/view?no=${complaint}`],
    [app, `/Loan/keyFacts?oid=${loan.oid}`],
    [app, `/Repay/exit?oid=${loan.oid}`],
    [app, `/Repay/receipt?id=${receipt.id}`],
    [app, '/Repay/index.shtml'],
    [app, '/Repay/orders'],
    [app, `/Repay/loanDetail?oid=${loan.oid}`],
    [app, `/Repay/loanDelay?oid=${loan.oid}`],
    [app, '/Contact/index'],
    [app, url],
    [app, `${url}?paytype=1`],
    [app, `${url}?paytype=2`],
  ];
  const report: string[] = [];
  for (const [client, path] of pages) {
    const { total, foreign } = await weigh(client, path);
    report.push(`${path.slice(0, 40)}: ${(total / 1024).toFixed(1)} KB`);
    t.true(total <= LIMIT, `${path} weighs ${total} bytes compressed`);
    t.deepEqual(foreign, [], `${path} loads from another origin`);
  }
  t.log(report.join('\n'));
  const confirm = await signedInApp(server);
  await confirm.app.postApp('/Loan/reLoan', { money: '2000' });
  const { total } = await weigh(confirm.app, '/Loan/confirm');
  t.true(total <= LIMIT);
});

test('the weigher notices a page that loads from another origin', (t) => {
  t.deepEqual(loads('<link rel="stylesheet" href="https://cdn.example/x.css"><a href="https://wa.me/1">x</a><img src="/img/a.svg">'), [
    'https://cdn.example/x.css',
    '/img/a.svg',
  ]);
});
