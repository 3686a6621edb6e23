import type { TFunction } from 'i18next';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import type { BorrowerRow } from '../data/repositories/borrowers.ts';
import type { StaffRow } from '../data/repositories/staff.ts';
import type { I18n, Language } from '../i18n.ts';
import type { Gateway } from '../services/payments/gateway.ts';
import type { PayoutGateway } from '../services/payouts/gateway.ts';
import type { SmsSender } from '../services/sms/sender.ts';
import type { IdentityChecks } from '../services/identity-checks/provider.ts';
import type { ErrorView } from './error-views.ts';
import type { Views } from './views.ts';
import type { Lifecycle, Metrics } from './operations.ts';

/** What the app is built from; tests pass their own database, clock and logger. */
export interface Deps {
  config: Readonly<Config>;
  db: Db;
  clock: Clock;
  i18n: I18n;
  logger: Logger;
  /** Set to stopping by main.ts on SIGTERM (/readyz answers 503); the app makes its own when absent. */
  lifecycle?: Lifecycle;
}

/** What a session holds; koa-session keeps it in the sessions table. */
export interface SessionData {
  borrowerId?: number;
  /** When this session was started (ms), for the absolute timeout. */
  createdAt?: number;
  csrf?: string;
  lang?: Language;
  flash?: string;
  /** A sign-up or reset in progress: the phone a code was sent to, and the code once verified. */
  otp?: { purpose: 'register' | 'reset'; phone: string; codeId?: number };
  /** The flash reports a refusal (shown as an error banner, not a green one). */
  flashError?: boolean;
  toJSON(): Record<string, unknown>;
  /** Moves the data to a new session id and removes the old one. */
  regenerate(): Promise<void>;
}

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    lang: Language;
    t: TFunction;
    borrower?: BorrowerRow;
    /** The error view the route declares (routes.ts, error-views.ts). */
    errorView?: ErrorView;
    staff?: StaffRow;
    staffCsrf?: string;
  }
  interface DefaultContext {
    deps: Deps;
    views: Views;
    gateway: Gateway;
    /** The payout provider that sends approved loans to borrowers (PAYOUT_GATEWAY). */
    payouts: PayoutGateway;
    /** The configured text-message sender (the log sender's outbox serves /dev/outbox). */
    sms: SmsSender;
    /** The document-check and account-holder provider (KYC_PROVIDER). */
    identityChecks: IdentityChecks;
    /** This app's Prometheus metrics (/metrics). */
    metrics: Metrics;
    /** koa-session's session (null once destroyed); it declares no types of its own. */
    session: SessionData | null;
  }
}

