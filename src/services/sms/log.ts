import type { Logger } from 'pino';
import type { OutboxEntry } from '../../snapshots/outbox.ts';
import type { SmsMessage, SmsSender } from './sender.ts';
export type { OutboxEntry } from '../../snapshots/outbox.ts';

// The development outbox keeps the newest messages only.
const OUTBOX_SIZE = 100;

/**
 * The development sender: each message goes to the log and to an in-memory
 * outbox that `/dev/outbox` shows (outside production only), so someone
 * trying the portal can read their code without a phone.
 */
export class LogSmsSender implements SmsSender {
  readonly name = 'log';
  readonly #outbox: OutboxEntry[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    this.logger.info({ sms: { to: message.to, purpose: message.purpose, text: message.text } }, 'sms (log sender)');
    this.#outbox.unshift({ ...message, at: this.now() });
    this.#outbox.length = Math.min(this.#outbox.length, OUTBOX_SIZE);
  }

  /** The newest messages first, optionally for one phone. */
  outbox(to?: string): OutboxEntry[] {
    return to ? this.#outbox.filter((m) => m.to === to) : [...this.#outbox];
  }
}
