// The market's dictionaries as seed 000's dict/list serves them.
import type { Context } from 'koa';
import { dictionary, dictionaryTypes, entries, listKey } from '../../data/dictionaries.ts';
import { respond } from '../respond.ts';

/**
 * GET /Dict/list?type=STATE,CITY (public): `data.<camelType>List` of
 * `{code, value}` (cities also carry `parent`, their state), in the request's
 * language, with the dictionary `version`. Unknown types are left out.
 */
export function list(ctx: Context): void {
  const { market } = ctx.deps.config;
  const asked = typeof ctx.query.type === 'string' && ctx.query.type.trim() ? ctx.query.type.split(',').map((s) => s.trim().toUpperCase()) : dictionaryTypes(market);
  const known = new Set(dictionaryTypes(market));
  const data: Record<string, unknown> = { version: dictionary(market, ctx.state.lang).version };
  for (const type of asked.filter((a) => known.has(a))) data[listKey(type)] = entries(market, ctx.state.lang, type);
  respond(ctx, { data, message: 'messages.successfully' });
}
