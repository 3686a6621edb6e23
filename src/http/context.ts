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

/** A form page that an error on its POST re-renders, with the values sent back. */
export interface FormState {
  view: string;
  /** The page's own GET path, for the language switch on the re-rendered form. */
  page: string;
  values: Record<string, unknown>;
  /** The rest of the page's variables, for forms on pages that show more than the form. */
  data?: () => Promise<Record<string, unknown>>;
}

/** Where a form's error goes instead of a re-render: shown as a flash on that page. */
export interface FlashBack {
  redirect: string;
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
    form?: FormState;
    flashBack?: FlashBack;
    /** Info/ajaxUpload and Repay/repayProof answer `{info, status, url}` (errors: status 0). */
    infoEnvelope?: boolean;
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

