/**
 * What Cuota needs from a text-message provider. A real provider is added by
 * implementing this interface (see docs/accounts-and-identity.md, "Adding a real SMS provider")
 * and naming it in SMS_SENDER; nothing else in the app changes.
 */
export interface SmsMessage {
  /** The phone as stored (digits, optionally with a leading +). */
  to: string;
  text: string;
  /** What the message is for (register, reset, esign, login): for logs and the outbox, never sent. */
  purpose: string;
}

export interface SmsSender {
  readonly name: string;
  /** Hands the message to the provider; throws SmsError when it was not accepted. */
  send(message: SmsMessage): Promise<void>;
}

/** A provider refused or could not be reached; the code stays issued and counted. */
export class SmsError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SmsError';
  }
}
