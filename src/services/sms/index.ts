import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { HttpSmsSender } from './http.ts';
import { LogSmsSender } from './log.ts';
import type { SmsSender } from './sender.ts';

/** The configured SMS sender. A real provider is added here, by name (see docs/accounts-and-identity.md, "Adding a real SMS provider"). */
export function createSmsSender(config: Pick<Config, 'sms'>, logger: Logger, clock: Clock): SmsSender {
  switch (config.sms.sender) {
    case 'log':
      return new LogSmsSender(logger, () => clock.now().getTime());
    case 'http':
      return new HttpSmsSender({ url: config.sms.httpUrl!, token: config.sms.httpToken, from: config.sms.from });
  }
}
