import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import type { Gateway } from './gateway.ts';
import { SandboxGateway } from './sandbox.ts';
import { marketProfile } from '../../domain/markets/index.ts';

/** The configured payment provider. A real one is added here, by name (see docs/loans-and-payments.md, "Adding a real payment provider"). */
export function createGateway(config: Pick<Config, 'payments' | 'market'>, db: Db, clock: Clock): Gateway {
  switch (config.payments.gateway) {
    case 'sandbox':
      return new SandboxGateway(db, clock, config.payments.webhookSecret, marketProfile(config.market).collection);
  }
}
