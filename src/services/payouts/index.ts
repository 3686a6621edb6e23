import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { PayoutGateway } from './gateway.ts';
import { SandboxPayoutGateway } from './sandbox.ts';

/** The configured payout provider. A real one is added here, by name (see docs/loans-and-payments.md, "Adding a real payout provider"). */
export function createPayoutGateway(config: Pick<Config, 'payouts'>, clock: Clock): PayoutGateway {
  switch (config.payouts.gateway) {
    case 'sandbox':
      return new SandboxPayoutGateway(clock, config.payouts.webhookSecret);
  }
}
