import { type SmsMessage, type SmsSender, SmsError } from './sender.ts';

// A provider that does not answer in this time is treated as a failure.
const TIMEOUT_MS = 10_000;

/**
 * A generic HTTP provider: POSTs `{"from","to","text"}` as JSON to
 * SMS_HTTP_URL with `Authorization: Bearer SMS_HTTP_TOKEN`, and takes any 2xx
 * as accepted. Providers with other bodies get a sender of their own (docs/accounts-and-identity.md).
 */
export class HttpSmsSender implements SmsSender {
  readonly name = 'http';

  constructor(private readonly options: { url: string; token: string | undefined; from: string }) {}

  async send(message: SmsMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({ from: this.options.from, to: message.to, text: message.text }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new SmsError(`provider unreachable: ${(err as Error).message}`);
    }
    // Drain the body so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new SmsError(`provider answered HTTP ${res.status}`);
  }
}
