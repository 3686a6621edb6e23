import type { Context } from 'koa';
import { z } from 'zod';
import { isRowId, MAX_ROW_ID } from '../data/db.ts';
import { parseMoney } from '../domain/money.ts';
import { invalidInput } from '../errors.ts';

/** An action's input: query parameters, overridden by body fields (the spec sends both ways). */
export function input(ctx: Context): Record<string, unknown> {
  const body = ctx.request.body;
  return { ...ctx.query, ...(body && typeof body === 'object' && !Array.isArray(body) ? body : {}) };
}

/**
 * Parses input with an action's schema. Schema messages are i18n keys; the
 * first problem of each field becomes that field's error (422).
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    fields[field] ??= issue.message.startsWith('errors.') ? issue.message : 'errors.invalid_input';
  }
  throw invalidInput(fields);
}

/** A loan's order number as the borrower sends it (`oid`). */
export const oidField = z.string({ error: 'errors.oid_required' }).trim().min(1, 'errors.oid_required').max(40, 'errors.oid_required');

export { isRowId };

/** A row id sent as a field (`id=`): a positive integer the database's keys can hold, else `key`. */
export const rowId = (key: string) => z.coerce.number({ error: key }).int(key).positive(key).max(MAX_ROW_ID, key);

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** `money` (a plain decimal amount) and `time` (days), both optional. */
export const loanRequestSchema = z.object({
  money: z.preprocess(
    blankToUndefined,
    z
      .union([z.string(), z.number()], { error: 'errors.amount_invalid' })
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const minor = parseMoney(String(v));
        if (minor === null || !Number.isSafeInteger(minor)) {
          ctx.addIssue({ code: 'custom', message: 'errors.amount_invalid' });
          return z.NEVER;
        }
        return minor;
      }),
  ),
  time: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().regex(/^\d{1,3}$/, 'errors.term_invalid'), z.number().int()], { error: 'errors.term_invalid' })
      .optional()
      .transform((v) => (v === undefined ? undefined : Number(v))),
  ),
  /** The product chosen (several products); without it, the first one offered. */
  product_id: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().regex(/^[1-9]\d{0,8}$/, 'errors.product_unknown'), z.number().int().positive().max(999_999_999)], { error: 'errors.product_unknown' })
      .optional()
      .transform((v) => (v === undefined ? undefined : Number(v))),
  ),
});
