/**
 * A small HTTP client with a cookie jar, so a test talks to the app the way a
 * browser or the lender's app does. Redirects are not followed.
 */
/** What a browser sends when it navigates or posts a form: it prefers a page. */
export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export class Client {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size && !headers.Cookie) headers.Cookie = this.cookieHeader();
    const body = Buffer.isBuffer(init.body) ? new Uint8Array(init.body) : init.body;
    const res = await fetch(this.base + path, { method, body, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    return { status: res.status, headers: res.headers, text, bytes, json: () => JSON.parse(text) };
  }

  /** A GET as a browser navigates (it prefers text/html). */
  get(path: string, headers: Record<string, string> = {}) {
    return this.request('GET', path, { headers: { Accept: BROWSER_ACCEPT, ...headers } });
  }

  /**
   * A request exactly as the lender's app sends it (OkHttp/Retrofit): the
   * cookie, a content type when there is a body, and nothing else (no
   * Accept, no X-Requested-With, no Origin).
   */
  appRequest(method: string, path: string, body?: { type: string; data: string | Buffer }) {
    return this.request(method, path, body ? { body: body.data, headers: { 'Content-Type': body.type } } : {});
  }

  /** An app's urlencoded POST with nothing but the cookie and the content type. */
  postRaw(path: string, fields: Record<string, string> | string) {
    const data = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
    return this.appRequest('POST', path, { type: 'application/x-www-form-urlencoded', data });
  }

  /** GET asking for JSON, as the lender's app does. */
  getJson(path: string, headers: Record<string, string> = {}) {
    return this.get(path, { Accept: 'application/json', ...headers });
  }

  /** A urlencoded form POST, as a browser sends it (it prefers text/html). */
  postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request('POST', path, {
      body: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: BROWSER_ACCEPT, ...headers },
    });
  }

  /** A urlencoded POST with X-Requested-With, as the lender's app sends it. */
  postApp(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.postForm(path, fields, { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json', ...headers });
  }

  /** The CSRF token of a page (from its meta tag), loading the page first. */
  async csrf(page = '/Index/login'): Promise<string> {
    const res = await this.get(page);
    const m = /<meta name="csrf-token" content="([^"]*)"/.exec(res.text);
    if (!m?.[1]) throw new Error(`no CSRF token on ${page} (status ${res.status})`);
    return m[1];
  }

  /** Signs in through the HTML form, like a person. */
  async signIn(username: string, password: string) {
    const token = await this.csrf();
    return this.postForm('/Index/ajaxSignIn', { _csrf: token, username, password });
  }
}
