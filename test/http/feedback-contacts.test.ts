import test from 'ava';
import { BROWSER_ACCEPT, Client } from '../helpers/client.ts';
import { examples } from '../helpers/contract.ts';
import { makeStaff } from '../helpers/factories.ts';
import { multipart, screenshotPng } from '../helpers/images.ts';
import { signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer({ CONTACTS_ENABLED: 'true', FEEDBACK_PER_HOUR: '3', SUPPORT_PHONE: '+52 55 1234 5678', SUPPORT_WHATSAPP: '+52 55 8765 4321' });
});
test.after.always(() => server?.close());

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };

test.serial('Index/contact answers the contract and a support page with call and WhatsApp links', async (t) => {
  const app = new Client(server.url);
  const json = await app.getJson('/Index/contact');
  t.deepEqual(Object.keys(json.json()), Object.keys(examples['Index/contact'] as object));
  t.deepEqual(json.json(), { status: 200, message: 'successful', data: { phone_number: '+52 55 1234 5678', whatapp: '+52 55 8765 4321' } });
  t.is((await app.postApp('/Index/contact', {})).json().data.whatapp, '+52 55 8765 4321');
  const en = await app.get('/Index/contact');
  t.regex(en.text, /href="tel:\+525512345678"/);
  t.regex(en.text, /href="https:\/\/wa.me\/525587654321"/);
  t.regex(en.text, /Monday to Saturday, 09:00–18:00/);
  t.regex((await app.get('/Index/contact?lang=es')).text, /lunes a sábado/);
  t.regex((await app.get('/Index/login')).text, /href="\/Feedback\/index"/, 'the login page leads visitors to feedback');
});

test.serial('feedback from a visitor, then the rate limit per address', async (t) => {
  const visitor = new Client(server.url);
  const ok = await visitor.postApp('/Feedback/ajaxCreate', { comments: 'I cannot sign in', contact: 'ana@example.com' }, { 'X-Forwarded-For': '1' });
  t.deepEqual(ok.json(), examples['Feedback/ajaxCreate']);
  const row = await server.db('feedback').orderBy('id', 'desc').first();
  t.like(row, { borrower_id: null, contact: 'ana@example.com', status: 'open' });
  t.is((await visitor.postApp('/Feedback/ajaxCreate', { comments: 'x', contact: 'not a contact' })).json().status, 422);
  t.is((await visitor.postApp('/Feedback/ajaxCreate', { comments: '', contact: '5512345678' })).json().message, 'Write your message.');
  t.is((await visitor.postApp('/Feedback/ajaxCreate', { comments: 'x'.repeat(2001), contact: '5512345678' })).json().status, 422);
  t.is((await visitor.postApp('/Feedback/ajaxCreate', { comments: 'hi', contact: '5512345678', attachments: '20260302/0123456789abcdef0123456789abcdef.jpg' })).json().status, 422, 'visitors attach nothing');
  const page = await visitor.get('/Feedback/index');
  t.notRegex(page.text, /type="file"/, 'visitors are not offered attachments');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const withFile = await visitor.request('POST', '/Feedback/ajaxCreate', {
    body: multipart('V', [
      ['Content-Disposition: form-data; name="_csrf"', token],
      ['Content-Disposition: form-data; name="comments"', 'see attached'],
      ['Content-Disposition: form-data; name="contact"', '5512345678'],
      ['Content-Disposition: form-data; name="attachments"; filename="a.png"\r\nContent-Type: image/png', await screenshotPng('visitor')],
    ]),
    headers: { 'Content-Type': 'multipart/form-data; boundary=V', Accept: BROWSER_ACCEPT },
  });
  t.is(withFile.status, 422);
  t.regex(withFile.text, /Sign in to attach images\./);
  await visitor.postApp('/Feedback/ajaxCreate', { comments: 'second', contact: '5512345678' });
  await visitor.postApp('/Feedback/ajaxCreate', { comments: 'third', contact: '5512345678' });
  const limited = await visitor.postApp('/Feedback/ajaxCreate', { comments: 'fourth', contact: '5512345678' });
  t.is(limited.json().status, 429);
  t.truthy(limited.headers.get('retry-after'));
  server.clock.advance(3_600_000 + 1000);
  t.is((await visitor.postApp('/Feedback/ajaxCreate', { comments: 'later', contact: '5512345678' })).status, 200);
});

test.serial("a borrower's attachments must be their own uploads; the console shows them and escapes comments", async (t) => {
  const { app, borrower } = await signedInApp(server);
  const other = await signedInApp(server);
  const upload = async (c: Client) =>
    (await c.request('POST', '/Info/ajaxUpload', {
      body: multipart('B', [['Content-Disposition: form-data; name="file"; filename="s.png"', await screenshotPng(`fb ${Math.random()}`)]]),
      headers: { 'Content-Type': 'multipart/form-data; boundary=B', 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
    })).json().info;
  const mine = await upload(app);
  const theirs = await upload(other.app);
  const refused = await app.postApp('/Feedback/ajaxCreate', { comments: 'look', contact: borrower.phone, attachments: theirs });
  t.is(refused.json().status, 422);
  t.is(refused.json().message, 'That image was not uploaded from your account.');
  const ok = await app.postApp('/Feedback/ajaxCreate', { comments: '<script>alert("x")</script> the app crashed', contact: borrower.phone, attachments: mine });
  t.is(ok.status, 200);

  const staff = await makeStaff(server.db);
  const c = new Client(server.url);
  const t1 = await c.csrf('/support/login');
  await c.postForm('/support/login', { _csrf: t1, email: staff.email, password: staff.password });
  const inbox = await c.get('/support/feedback');
  t.false(inbox.text.includes('<script>alert("x")</script>'));
  t.true(inbox.text.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; the app crashed'));
  t.true(inbox.text.includes(`/Public/Upload/${mine.replace('.jpg', '.thumb.jpg')}`));
  t.is((await c.get(`/Public/Upload/${mine}`)).status, 200, 'staff see the attachment');
  const id = (await server.db('feedback').where({ borrower_id: borrower.id }).first()).id;
  const token = await c.csrf('/support/feedback');
  t.is((await c.postForm(`/support/feedback/${id}`, { _csrf: token, note: 'Called back, fixed', close: '1' })).status, 303);
  t.like(await server.db('feedback').where({ id }).first(), { status: 'closed', reply_note: 'Called back, fixed' });
  t.regex((await c.get('/support/feedback?status=closed')).text, /Called back, fixed/);
  t.truthy(await server.db('audit_log').where({ subject: `feedback:${id}`, action: 'close_feedback' }).first());
});

test.serial('the feedback page sends a photo from the plain form', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const page = await app.get('/Feedback/index', { Accept: 'text/html' });
  t.regex(page.text, new RegExp(`value="${borrower.phone}"`), 'contact prefilled');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const body = multipart('F', [
    ['Content-Disposition: form-data; name="_csrf"', token],
    ['Content-Disposition: form-data; name="comments"', 'Here is what I see'],
    ['Content-Disposition: form-data; name="contact"', borrower.phone],
    ['Content-Disposition: form-data; name="attachments"; filename="p.png"\r\nContent-Type: image/png', await screenshotPng('feedback form')],
  ]);
  const res = await app.request('POST', '/Feedback/ajaxCreate', { body, headers: { 'Content-Type': 'multipart/form-data; boundary=F', Accept: 'text/html' } });
  t.is(res.status, 303);
  t.regex((await app.get('/Feedback/index', { Accept: 'text/html' })).text, /We received your message/);
  const row = await server.db('feedback').where({ borrower_id: borrower.id }).first();
  t.is(JSON.parse(row.attachments).length, 1);
});

test.serial("contacts: the spec's raw request after consent; consent required first; withdrawal deletes everything", async (t) => {
  const { app, borrower } = await signedInApp(server);
  const raw = 'contacts[0][name]=zhangsan&contacts[0][phone]=123455745&contacts[0][relate]=父母';
  const before = await app.request('POST', '/Contact/ajaxPush', { body: Buffer.from(raw, 'utf8'), headers: FORM });
  t.is(before.json().status, 403);
  t.is(before.json().message, 'Accept the consent text on the contacts page first.');
  t.is((await app.postApp('/Contact/consent', {})).status, 200);
  const consent = await server.db('contact_consents').where({ borrower_id: borrower.id }).first();
  t.like(consent, { version: '2026-11', withdrawn_at: null });
  const res = await app.request('POST', '/Contact/ajaxPush', { body: Buffer.from(raw, 'utf8'), headers: FORM });
  t.like(res.json(), examples['Contact/ajaxPush'] as object);
  t.like(await server.db('contacts').where({ borrower_id: borrower.id }).first(), { name: 'zhangsan', phone: '123455745', relation: '父母' });

  const json = await app.request('POST', '/Contact/ajaxPush', {
    body: JSON.stringify({ contacts: [{ name: '  Ana   López ', phone: '+52 (55) 1111-2222' }, { name: '', phone: '5511112222' }, { name: 'Bad', phone: 'abc' }, { name: 'Ana again', phone: '+525511112222' }] }),
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  });
  t.like(json.json(), { status: 200, saved: 1 });
  t.deepEqual(json.json().invalid.map((p: { index: number; field: string }) => [p.index, p.field]), [[1, 'name'], [2, 'phone']]);
  const stored = await server.db('contacts').where({ borrower_id: borrower.id }).orderBy('name');
  t.deepEqual(stored.map((c: { name: string; phone: string }) => [c.name, c.phone]), [['Ana again', '+525511112222'], ['zhangsan', '123455745']], 'duplicates merged by phone');

  const page = await app.get('/Contact/index', { Accept: 'text/html' });
  t.regex(page.text, /What we keep: 2 contacts/);
  t.is((await app.postApp('/Contact/withdraw', {})).status, 200);
  t.is((await server.db('contacts').where({ borrower_id: borrower.id })).length, 0);
  t.is((await app.request('POST', '/Contact/ajaxPush', { body: raw, headers: FORM })).json().status, 403, 'consent is needed again');
});

test.serial('5000 contacts are accepted; 5001 are refused with 413 and nothing stored', async (t) => {
  const { app, borrower } = await signedInApp(server);
  await app.postApp('/Contact/consent', {});
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `contacts[${i}][name]=P${i}&contacts[${i}][phone]=55${String(i).padStart(8, '0')}`).join('&');
  const many = await app.request('POST', '/Contact/ajaxPush', { body: rows(5000), headers: FORM });
  t.is(many.status, 200, many.text.slice(0, 200));
  t.is(many.json().saved, 5000);
  await app.postApp('/Contact/withdraw', {});
  await app.postApp('/Contact/consent', {});
  const tooMany = await app.request('POST', '/Contact/ajaxPush', { body: rows(5001), headers: FORM });
  t.is(tooMany.json().status, 413);
  t.is((await server.db('contacts').where({ borrower_id: borrower.id })).length, 0);
  const json = await app.request('POST', '/Contact/ajaxPush', {
    body: JSON.stringify({ contacts: Array.from({ length: 5001 }, (_, i) => ({ name: `P${i}`, phone: `55${String(i).padStart(8, '0')}` })) }),
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  });
  t.is(json.json().status, 413);
});

test.serial('contacts are off unless configured', async (t) => {
  const off = await startServer();
  t.teardown(() => off.close());
  const { app } = await signedInApp(off);
  const res = await app.request('POST', '/Contact/ajaxPush', { body: 'contacts[0][name]=a&contacts[0][phone]=5512345678', headers: FORM });
  t.is(res.json().status, 403);
  t.is(res.json().message, 'Contacts are not collected by this lender.');
  t.is((await app.postApp('/Contact/consent', {})).json().status, 403);
  t.regex((await app.get('/Contact/index', { Accept: 'text/html' })).text, /does not collect contacts/);
});

test.serial('the contacts page form keeps two emergency contacts and needs its CSRF token', async (t) => {
  const { app, borrower } = await signedInApp(server);
  await app.postApp('/Contact/consent', {});
  const page = await app.get('/Contact/index', { Accept: 'text/html' });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const fields = { 'contacts[0][name]': 'Rosa', 'contacts[0][phone]': '5511110000', 'contacts[0][relate]': 'parent', 'contacts[1][name]': '', 'contacts[1][phone]': '', 'contacts[1][relate]': 'friend' };
  t.is((await app.postForm('/Contact/ajaxPush', fields)).status, 403, 'no token');
  const res = await app.postForm('/Contact/ajaxPush', { _csrf: token, ...fields });
  t.is(res.status, 303);
  const after = await app.get('/Contact/index', { Accept: 'text/html' });
  t.regex(after.text, /Contacts saved\./);
  t.regex(after.text, /Rosa · 5511110000 · Parent/);
  t.is((await server.db('contacts').where({ borrower_id: borrower.id })).length, 1);
});
