import test from 'ava';
import { Client } from '../helpers/client.ts';
import { signedInApp } from '../helpers/loans.ts';
import { staffClient } from '../helpers/staff.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Serial: the escalation test moves the server's clock.
let server: TestServer;
test.before(async () => {
  server = await startServer({ ESCALATION_AFTER_DAYS: '15', GRIEVANCE_NAME: 'Ana Ruiz', FEEDBACK_PER_HOUR: '3' });
});
test.after.always(() => server?.close());

const DAY = 86_400_000;

test.serial('anyone can see whom to complain to; every page links there', async (t) => {
  const visitor = new Client(server.url);
  const page = await visitor.get('/Complaint/index', { Accept: 'text/html' });
  t.is(page.status, 200);
  for (const s of ['Ana Ruiz', 'grievance@cuota.test', '+52 55 5000 4321', 'Mon–Fri 09:00–18:00', 'within 15 days', 'CONDUSEF', 'https://www.condusef.gob.mx']) {
    t.true(page.text.includes(s), s);
  }
  t.regex(page.text, /Sign in to open a complaint/);
  t.regex((await visitor.get('/Index/login', { Accept: 'text/html' })).text, /<a href="\/Complaint\/index">Complaints<\/a>/);
  const json = (await visitor.getJson('/Complaint/index')).json().data;
  t.like(json, { grievance: { name: 'Ana Ruiz' }, escalation: { authority: 'CONDUSEF', afterDays: 15 }, complaints: [] });
  t.is((await visitor.postApp('/Complaint/create', { topic: 'charges', body: 'I was charged twice for one payment.' })).json().status, -100);
});

test.serial('a complaint goes open → answered → open → closed, with staff replies; only its borrower sees it', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const bad = [
    [{ topic: 'charges', body: 'short' }, 'Please describe the problem in at least 10 characters.'],
    [{ topic: 'weather', body: 'I was charged twice for one payment.' }, 'Please choose what your complaint is about.'],
  ] as const;
  for (const [fields, message] of bad) {
    const res = await app.postApp('/Complaint/create', { ...fields });
    t.deepEqual([res.status, res.json().status, res.json().message], [200, 422, message]);
  }
  t.is((await server.db('complaints').where({ borrower_id: borrower.id })).length, 0, 'nothing stored');

  const opened = await app.postApp('/Complaint/create', { topic: 'charges', body: 'I was charged twice for one payment.' });
  t.is(opened.status, 200);
  const number = opened.json().data.number as string;
  t.regex(number, /^Q-20260302-\d{6}$/);
  t.is(opened.json().message, `Complaint ${number} opened`);
  t.like((await app.getJson(`/Complaint/view?no=${number}`)).json().data, { number, status: 'open', topic: 'charges', escalate: false });

  const other = await signedInApp(server);
  t.is((await other.app.getJson(`/Complaint/view?no=${number}`)).json().status, 404);
  t.is((await other.app.postApp('/Complaint/reply', { no: number, body: 'not mine' })).json().status, 404);

  // The console inbox shows it with its age; a reply makes it answered, and the borrower reads it.
  const { c, token } = await staffClient(server);
  const inbox = await c.get('/support/complaints', { Accept: 'text/html' });
  t.regex(inbox.text, new RegExp(`${number}</a></td><td>Charges or amounts</td><td>${borrower.phone}</td><td>0 days</td>`));
  t.regex(inbox.text, /<table class="table">/, 'styled like the other console tables');
  const id = (await server.db('complaints').where({ number }).first()).id;
  // Staff read who wrote: the borrower, never "You".
  const thread = await c.get(`/support/complaints/${id}`, { Accept: 'text/html' });
  t.regex(thread.text, /<li class="msg-borrower"><p class="muted">Borrower · /);
  t.notRegex(thread.text, />You · /);
  t.is((await c.postForm(`/support/complaints/${id}`, { _csrf: token, reply: 'We are checking your two payments.' })).status, 303);
  const answered = (await app.getJson(`/Complaint/view?no=${number}`)).json().data;
  t.is(answered.status, 'answered');
  t.deepEqual(answered.messages.map((m: { author: string; body: string }) => [m.author, m.body]), [
    ['borrower', 'I was charged twice for one payment.'],
    ['staff', 'We are checking your two payments.'],
  ]);
  t.like(await server.db('audit_log').where({ subject: `complaint:${number}` }).first(), { action: 'reply_complaint' });

  // The borrower answers back (waiting for staff again); staff resolve it; nothing more can be added.
  t.like((await app.postApp('/Complaint/reply', { no: number, body: 'It was on 2 March.' })).json().data, { status: 'open' });
  t.is((await app.postApp('/Complaint/reply', { no: number, body: '' })).json().status, 422, 'an empty message');
  t.is((await c.postForm(`/support/complaints/${id}`, { _csrf: token, reply: 'Refunded 1000.00 today.', close: '1' })).status, 303);
  t.like((await app.getJson(`/Complaint/view?no=${number}`)).json().data, { status: 'closed' });
  const closed = await app.postApp('/Complaint/reply', { no: number, body: 'Thanks!' });
  t.deepEqual([closed.json().status, closed.json().message], [409, 'This complaint is closed. Open a new one if you need to.']);
  // The console answers a refused reply with its message on the same page, and stores nothing.
  const late = await c.postForm(`/support/complaints/${id}`, { _csrf: token, reply: 'late' });
  t.is(late.headers.get('location'), `/support/complaints/${id}`);
  t.regex((await c.get(`/support/complaints/${id}`, { Accept: 'text/html' })).text, /This complaint is closed/);
  t.is((await server.db('complaint_messages').where({ complaint_id: id })).length, 4);
  t.regex((await c.get('/support/complaints?status=closed', { Accept: 'text/html' })).text, new RegExp(number));
});

test.serial('a complaint not resolved in the configured days shows how to escalate it', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const number = (await app.postApp('/Complaint/create', { topic: 'collection', body: 'Collection agents call my family.' })).json().data.number;
  const closedOne = (await app.postApp('/Complaint/create', { topic: 'other', body: 'A question I already solved.' })).json().data.number;
  await app.postApp('/Complaint/reply', { no: closedOne, close: '1' });

  server.clock.advance(14 * DAY);
  await app.signIn(borrower.phone, borrower.password);
  t.like((await app.getJson(`/Complaint/view?no=${number}`)).json().data, { escalate: false, ageDays: 14 });
  t.notRegex((await app.get(`/Complaint/view?no=${number}`, { Accept: 'text/html' })).text, /id="escalation"/);

  server.clock.advance(1 * DAY);
  await app.signIn(borrower.phone, borrower.password);
  t.like((await app.getJson(`/Complaint/view?no=${number}`)).json().data, { escalate: true, ageDays: 15 });
  const page = (await app.get(`/Complaint/view?no=${number}`, { Accept: 'text/html' })).text;
  t.regex(page, /id="escalation">This complaint has been open for more than 15 days. You can escalate it to CONDUSEF: <a href="https:\/\/www.condusef.gob.mx"/);
  t.like((await app.getJson(`/Complaint/view?no=${closedOne}`)).json().data, { status: 'closed', escalate: false }, 'a closed complaint needs no escalation');
  const { c } = await staffClient(server);
  t.regex((await c.get('/support/complaints', { Accept: 'text/html' })).text, new RegExp(`<tr class="late"><td><a href="/support/complaints/\\d+">${number}`));
});

test.serial('a borrower may open as many complaints an hour as feedback allows; then 429 with Retry-After', async (t) => {
  const { app, borrower } = await signedInApp(server);
  for (let i = 1; i <= 3; i++) {
    t.is((await app.postApp('/Complaint/create', { topic: 'other', body: `Complaint number ${i} of the hour.` })).status, 200);
  }
  const fourth = await app.postApp('/Complaint/create', { topic: 'other', body: 'One complaint too many.' });
  t.is(fourth.json().status, 429);
  t.truthy(Number(fourth.headers.get('retry-after')) > 0);
  t.is((await server.db('complaints').where({ borrower_id: borrower.id })).length, 3, 'nothing stored');
  server.clock.advance(3_600_000);
  await app.signIn(borrower.phone, borrower.password);
  t.is((await app.postApp('/Complaint/create', { topic: 'other', body: 'An hour later it works again.' })).status, 200);
});
