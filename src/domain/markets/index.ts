import { mx } from './mx.ts';
import type { MarketProfile } from './profile.ts';

const MARKETS: Readonly<Record<string, MarketProfile>> = Object.freeze({ mx });

/** The profile of a configured market (config validates the code, so it exists). */
export function marketProfile(code: string): MarketProfile {
  const profile = MARKETS[code];
  if (!profile) throw new Error(`unknown market ${code}`);
  return profile;
}

export type { MarketProfile, StepName } from './profile.ts';
