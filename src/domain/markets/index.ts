import { india } from './in.ts';
import { mx } from './mx.ts';
import { nigeria } from './ng.ts';
import type { MarketProfile } from './profile.ts';

/** The markets Cuota runs in, by MARKET code. */
export const MARKET_CODES = ['mx', 'in', 'ng'] as const;
export type MarketCode = (typeof MARKET_CODES)[number];

const MARKETS: Readonly<Record<MarketCode, MarketProfile>> = Object.freeze({ mx, in: india, ng: nigeria });

/** The profile of a configured market (config validates the code, so it exists). */
export function marketProfile(code: string): MarketProfile {
  const profile = MARKETS[code as MarketCode];
  if (!profile) throw new Error(`unknown market ${code}`);
  return profile;
}

export type { Collection, MarketProfile, PhoneRule, Regulator, StepName } from './profile.ts';
