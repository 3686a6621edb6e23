import type { Context } from 'koa';
import { normalizePhone } from '../../domain/phone.ts';
import { notFound } from '../../errors.ts';
import { presentOutbox } from '../../presenters/account.ts';
import { LogSmsSender } from '../../services/sms/log.ts';
import { respond } from '../respond.ts';

/**
 * GET /dev/outbox (optional `phone`): the messages the log sender "sent",
 * newest first, so codes can be read without a phone. Outside production only,
 * and only with the log sender: anywhere else it does not exist (404).
 */
export function outbox(ctx: Context): void {
  if (ctx.deps.config.env === 'production' || !(ctx.sms instanceof LogSmsSender)) throw notFound();
  const asked = typeof ctx.query.phone === 'string' ? ctx.query.phone : '';
  const phone = asked ? (normalizePhone(asked) ?? asked) : undefined;
  respond(ctx, { message: 'messages.successfully', data: presentOutbox(ctx.sms.outbox(phone)), view: 'dev/outbox.njk', page: () => ({ asked }) });
}
