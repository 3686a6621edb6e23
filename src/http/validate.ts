import type { Context } from 'koa';
import { z } from 'zod';
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
