import type { Config } from '../../config.ts';
import type { IdentityChecks } from './provider.ts';
import { createSandboxChecks } from './sandbox.ts';

/** The configured identity-check provider (KYC_PROVIDER; only the sandbox exists so far). */
export function createIdentityChecks(config: Pick<Config, 'kyc'>): IdentityChecks {
  switch (config.kyc.provider) {
    case 'sandbox':
      return createSandboxChecks();
  }
}

export type { IdentityChecks } from './provider.ts';
