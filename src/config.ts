import net from 'node:net';
import { z } from 'zod';
import { type Product, termsWhereFeeReachesPrincipal } from './domain/fees.ts';
import { parseMoney } from './domain/money.ts';
import { parseRatePpm } from './domain/rates.ts';
import { MARKET_CODES, type MarketCode, marketProfile } from './domain/markets/index.ts';
import { LANGUAGES, type Language } from './i18n.ts';

/** The secret used when SESSION_SECRET is unset; production refuses to start with it. */
export const DEFAULT_SESSION_SECRET = 'cuota-development-secret-change-me';
/** The data keys when DATA_KEY / DATA_HASH_KEY are unset (development and tests); production refuses them. */
export const DEFAULT_DATA_KEY = 'dev:Y3VvdGEtZGV2ZWxvcG1lbnQtZGF0YS1rZXktMzJiISE=';
export const DEFAULT_DATA_HASH_KEY = 'cuota-development-lookup-hash-key';

/** `id:base64` (32 bytes) entries, comma-separated, the first one current: DATA_KEY's format. */
const dataKeys = z.string().transform((v, ctx) => {
  const keys: Array<{ id: string; key: string }> = [];
  for (const entry of v.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]{1,16}):([A-Za-z0-9+/=_-]+)$/.exec(entry);
    const bytes = m ? Buffer.from(m[2]!, 'base64') : null;
    if (!m || bytes?.length !== 32 || keys.some((k) => k.id === m[1])) {
      ctx.addIssue({ code: 'custom', message: 'expected id:base64 entries of 32-byte keys with distinct ids, e.g. k1:<openssl rand -base64 32>' });
      return z.NEVER;
    }
    keys.push({ id: m[1]!, key: m[2]! });
  }
  if (!keys.length) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one key' });
    return z.NEVER;
  }
  return keys;
});

/** The notification-signing secret when PAYMENT_WEBHOOK_SECRET is unset; production refuses it. */
export const DEFAULT_WEBHOOK_SECRET = 'cuota-development-webhook-secret';

/** The payout-callback signing secret when PAYOUT_WEBHOOK_SECRET is unset; production refuses it. */
export const DEFAULT_PAYOUT_SECRET = 'cuota-development-payout-secret';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A string read by one of the domain parsers, which answer null for anything they refuse. */
const parsedBy = (parse: (text: string) => number | null, expected: string) =>
  z.string().transform((v, ctx) => {
    const value = parse(v);
    if (value === null) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
      return z.NEVER;
    }
    return value;
  });

const money = parsedBy(parseMoney, 'an amount like 5000 or 5000.00');
const phone = z.string().regex(/^\+?[0-9 ()-]{6,20}$/, 'expected a phone number');
/** The demo contact numbers of each market, used when SUPPORT_PHONE / GRIEVANCE_PHONE are unset (production sets its own). */
const DEMO_PHONES: Record<MarketCode, { support: string; grievance: string }> = {
  mx: { support: '+52 55 5000 1234', grievance: '+52 55 5000 4321' },
  in: { support: '+91 22 4000 1234', grievance: '+91 22 4000 4321' },
  ng: { support: '+234 1 400 1234', grievance: '+234 1 400 4321' },
};
const rate = parsedBy(parseRatePpm, 'a decimal rate like 0.043');

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

/** An IPv4/IPv6 address, or one with a /prefix (CIDR). */
export function validAddressOrRange(v: string): boolean {
  const [address, prefix, extra] = v.split('/');
  const family = net.isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Every environment variable Cuota reads, with its default. docs/configuration.md's
 * table documents the same list.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: bool.default(false),
  TRUSTED_PROXY_HOPS: int(1, 10).default(1),
  DATABASE_URL: z.string().min(1).default('data/cuota.sqlite'),
  UPLOAD_DIR: z.string().min(1).default('data/uploads'),
  // Where stored images live: `dir` (UPLOAD_DIR) or `db` (the upload_blobs table); unset, `db` on PostgreSQL and `dir` on SQLite.
  UPLOAD_STORAGE: z.enum(['db', 'dir']).optional(),
  // As long as a request may take (main.ts: requestTimeout 30 s): a request in flight at SIGTERM is never cut short.
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(30_000),
  // On SIGTERM, idle keep-alive connections stay open this long (answers on them say Connection: close):
  // longer than a proxy keeps an idle upstream connection (deploy/nginx.conf: 2 s), so it never reuses one being closed.
  SHUTDOWN_IDLE_MS: int(0, 600_000).default(3_000),
  // Who may read /metrics: addresses or CIDR ranges (comma-separated), or a bearer token. Neither: nobody (404).
  METRICS_ALLOW: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every(validAddressOrRange), 'expected IP addresses or CIDR ranges, comma-separated'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEFAULT_SESSION_SECRET),
  COOKIE_SECURE: bool.default(false),
  SESSION_IDLE_MINUTES: int(1, 24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: int(1, 24 * 30).default(12),
  LOGIN_MAX_PER_PHONE: int(1, 1000).default(5),
  LOGIN_MAX_PER_ACCOUNT: int(1, 100000).default(50),
  LOGIN_MAX_PER_ADDRESS: int(1, 10000).default(20),
  LOGIN_WINDOW_MINUTES: int(1, 24 * 60).default(15),
  // The business calendar's zone (due days), deliberately not TZ: that is the host process's own setting.
  // Unset, the market's zone (Mexico City, Kolkata, Lagos).
  BUSINESS_TIME_ZONE: timeZone.optional(),
  // Unset, the market's default; it must be one of the market's languages.
  DEFAULT_LANGUAGE: z.enum(LANGUAGES).optional(),
  // Unset, the market's currency.
  CURRENCY: z.string().regex(/^[A-Z]{3}$/).optional(),
  PRODUCT_QUOTA: money.prefault('5000.00'),
  PRODUCT_TERMS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'expected a comma-separated list of days')
    .default('7,10,15,20')
    .transform((v) => v.split(',').map(Number)),
  PRODUCT_DEFAULT_TERM: int(1, 365).default(7),
  PRODUCT_MIN_AMOUNT: money.prefault('1000.00'),
  PRODUCT_AMOUNT_STEP: money.prefault('100.00'),
  LOAN_RATE: rate.prefault('0.043'),
  REPAY_RATE: rate.prefault('0.0072'),
  OVERDUE_RATE: rate.prefault('0.02'),
  OVERDUE_CAP: rate.prefault('1'),
  REVIEW_MODE: z.enum(['auto', 'manual']).default('auto'),
  REAPPLY_AFTER_DAYS: int(0, 365).default(7),
  QUOTA_GROWTH: money.prefault('1000.00'),
  QUOTA_MAX: money.prefault('20000.00'),
  CLOCK_AT: z.iso.datetime({ offset: true }).optional(),
  DELAY_MAX: int(0, 100).default(3),
  DELAY_MODE: z.enum(['prepaid', 'on_bill']).default('prepaid'),
  PAYMENT_GATEWAY: z.enum(['sandbox']).optional(),
  PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEFAULT_WEBHOOK_SECRET),
  PAYMENT_INTENT_HOURS: int(1, 24 * 30).default(72),
  PAYMENT_REFERENCE_HOURS: int(1, 24 * 30).default(24),
  PAYOUT_GATEWAY: z.enum(['sandbox']).optional(),
  PAYOUT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PAYOUT_STUCK_MINUTES: int(1, 7 * 24 * 60).default(60),
  UPLOAD_MAX_MB: int(1, 50).default(10),
  UPLOAD_MEMORY_MB: int(1, 4096).default(64),
  UPLOADS_PER_HOUR: int(1, 10000).default(30),
  UPLOAD_IMAGE_JOBS: int(1, 64).default(2),
  UV_THREADPOOL_SIZE: int(1, 1024).default(4),
  BACKGROUND_NICE: int(0, 19).default(10),
  FEEDBACK_PER_HOUR: int(1, 1000).default(5),
  CONTACTS_ENABLED: bool.default(false),
  CONTACTS_CONSENT_VERSION: z.string().min(1).max(32).default('2026-11'),
  // Unset, the phones are the market's demo numbers (DEMO_PHONES).
  SUPPORT_PHONE: phone.optional(),
  SUPPORT_WHATSAPP: phone.optional(),
  SUPPORT_HOURS: z.string().min(1).max(40).default('09:00–18:00'),
  UPLOAD_MAX_MEGAPIXELS: int(1, 200).default(40),
  UTR_PATTERN: z
    .string()
    .default('^([0-9]{12}|[A-Za-z0-9]{16,22})$')
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
  LENDER_NAME: z.string().min(1).max(80).default('Cuota Demo Lender'),
  KFS_VERSION: z.string().min(1).max(32).default('2026-11'),
  COOLING_OFF_DAYS: int(0, 30).default(3),
  GRIEVANCE_NAME: z.string().min(1).max(80).default('Grievance Officer, Cuota'),
  GRIEVANCE_PHONE: phone.optional(),
  GRIEVANCE_EMAIL: z.email().default('grievance@cuota.test'),
  GRIEVANCE_HOURS: z.string().min(1).max(40).default('Mon–Fri 09:00–18:00'),
  // The Spanish form of the configured names and hours (the ones above are English).
  LENDER_NAME_ES: z.string().min(1).max(80).default('Cuota Prestamista de Demostración'),
  GRIEVANCE_NAME_ES: z.string().min(1).max(80).default('Unidad de Atención a Usuarios, Cuota'),
  GRIEVANCE_HOURS_ES: z.string().min(1).max(40).default('Lun–Vie 09:00–18:00'),
  SUPPORT_HOURS_ES: z.string().min(1).max(40).default('09:00–18:00'),
  // Hindi forms of the configured names and hours (India).
  LENDER_NAME_HI: z.string().min(1).max(80).default('कुओटा डेमो ऋणदाता'),
  GRIEVANCE_NAME_HI: z.string().min(1).max(80).default('शिकायत निवारण अधिकारी, कुओटा'),
  GRIEVANCE_HOURS_HI: z.string().min(1).max(40).default('सोम–शुक्र 09:00–18:00'),
  SUPPORT_HOURS_HI: z.string().min(1).max(40).default('09:00–18:00'),
  // Unset, the market's regulator (CONDUSEF; RBI Integrated Ombudsman; FCCPC).
  ESCALATION_AUTHORITY: z.string().min(1).max(120).optional(),
  ESCALATION_URL: z.url().optional(),
  ESCALATION_AFTER_DAYS: int(1, 365).default(30),
  SMS_SENDER: z.enum(['log', 'http']).default('log'),
  SMS_HTTP_URL: z.url().optional(),
  SMS_HTTP_TOKEN: z.string().min(1).optional(),
  SMS_FROM: z.string().min(1).max(20).default('Cuota'),
  OTP_PER_PHONE_HOUR: int(1, 100).default(5),
  OTP_PER_ADDRESS_HOUR: int(1, 10000).default(20),
  MARKET: z.enum(MARKET_CODES).default('mx'),
  DATA_KEY: dataKeys.prefault(DEFAULT_DATA_KEY),
  DATA_HASH_KEY: z.string().min(16, 'must be at least 16 characters').default(DEFAULT_DATA_HASH_KEY),
  KYC_REQUIRED: bool.default(true),
  KYC_PROVIDER: z.enum(['sandbox']).optional(),
  KYC_AUTO_APPROVE: bool.default(true),
  FACE_MATCH_MIN: int(1, 100).default(80),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string | undefined;
  trustProxy: boolean;
  /** How many reverse proxies in front append to X-Forwarded-For: only that many entries, from the right, are believed. */
  proxyHops: number;
  database: { client: 'better-sqlite3'; filename: string } | { client: 'pg'; url: string };
  uploadDir: string;
  /** Where stored images live: the upload directory, or the database (shared by every process). */
  uploadStorage: 'db' | 'dir';
  /** How long SIGTERM waits for in-flight requests before closing their connections. */
  shutdownGraceMs: number;
  /** How long idle keep-alive connections are left to the client (or proxy) to close after SIGTERM. */
  shutdownIdleMs: number;
  /** /metrics: the addresses and ranges allowed, and a bearer token; both empty, /metrics answers 404. */
  metrics: { allow: ReadonlyArray<string>; token: string | undefined };
  session: {
    secret: string;
    secureCookie: boolean;
    idleMs: number;
    absoluteMs: number;
  };
  /** Failed sign-ins allowed in the window: per account and address, per account from anywhere, per address. */
  login: { maxPerPhone: number; maxPerAccount: number; maxPerAddress: number; windowMs: number };
  timeZone: string;
  defaultLanguage: Language;
  /** The languages the market offers (the language switch shows only these). */
  languages: readonly Language[];
  currency: string;
  product: Product;
  review: {
    mode: 'auto' | 'manual';
    reapplyAfterDays: number;
  };
  quotaGrowth: { step: number; max: number };
  delayMax: number;
  /** prepaid: an extension is paid for before the due day moves; on_bill: Repay/ajaxDelay moves it at once and adds the price to the bill. */
  delayMode: 'prepaid' | 'on_bill';
  /**
   * Images: the size and pixels of one; the bytes all uploads in flight may hold in memory
   * together; uploads a borrower may send in an hour; images decoded at once (below libuv's pool).
   */
  uploads: { maxBytes: number; maxPixels: number; memoryBytes: number; perHour: number; imageJobs: number; threadPool: number };
  /** How much lower than the request thread every other thread of the process runs (nice; 0: the same). */
  backgroundNice: number;
  feedbackPerHour: number;
  /** Phone-book upload: off unless enabled, and then only with the borrower's consent to this text version. */
  contacts: { enabled: boolean; consentVersion: string };
  support: { phone: string; whatsapp: string; hours: string };
  /** What a UTR must look like (a UPI reference or a NEFT/RTGS/SPEI tracking key). */
  utrPattern: RegExp;
  payments: {
    gateway: 'sandbox';
    webhookSecret: string;
    intentMs: number;
    referenceMs: number;
  };
  /** The payout provider, its callback secret, and how long a pending payout may wait before the console calls it stuck. */
  payouts: { gateway: 'sandbox'; webhookSecret: string; stuckMs: number };
  /** Borrower protection: who lends, the key facts statement's version, the cooling-off days, where to complain. */
  protection: {
    lender: string;
    kfsVersion: string;
    coolingOffDays: number;
    grievance: { name: string; phone: string; email: string; hours: string };
    escalation: { authority: string; url: string; afterDays: number };
  };
  /** Text messages: `log` writes them to the log and the development outbox; `http` posts them to a provider. */
  sms: { sender: 'log' | 'http'; httpUrl: string | undefined; httpToken: string | undefined; from: string };
  /** One-time codes: how many a phone (any purpose) and an address may be sent in an hour. */
  otp: { perPhoneHour: number; perAddressHour: number };
  /** Configured names and hours as each language shows them (pages pick by the request's language). */
  texts: Record<Language, { lender: string; grievanceName: string; grievanceHours: string; supportHours: string }>;
  /** The market served: its ID and bank-account rules and dictionaries (src/domain/markets/). */
  market: MarketCode;
  /** Encryption of ID and account numbers: keys by id (base64, the first current) and the lookup-hash key. */
  dataProtection: { keys: ReadonlyArray<{ id: string; key: string }>; hashKey: string };
  /** Identity checks: required before lending, the provider, automatic approval of clean matches, the face score needed. */
  kyc: { required: boolean; provider: 'sandbox'; autoApprove: boolean; faceMatchMin: number };
  /** Run the portal as if it were this moment (development and demos only). */
  clockAt: Date | undefined;
  logLevel: string;
}

/** Raised when the environment cannot make a valid configuration; main prints it and exits. */
export class ConfigError extends Error {}

function databaseFrom(url: string): Config['database'] {
  if (/^postgres(ql)?:\/\//.test(url)) return { client: 'pg', url };
  const filename = url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : url;
  if (!filename) throw new ConfigError('DATABASE_URL: empty SQLite path');
  return { client: 'better-sqlite3', filename };
}

/** Builds the one frozen configuration object from an environment; throws ConfigError on bad input. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (!e.PRODUCT_TERMS.includes(e.PRODUCT_DEFAULT_TERM)) {
    throw new ConfigError('PRODUCT_DEFAULT_TERM must be one of PRODUCT_TERMS');
  }
  if (e.PRODUCT_AMOUNT_STEP <= 0 || e.PRODUCT_MIN_AMOUNT % e.PRODUCT_AMOUNT_STEP !== 0) {
    throw new ConfigError('PRODUCT_MIN_AMOUNT must be a positive multiple of PRODUCT_AMOUNT_STEP');
  }
  if (e.PRODUCT_QUOTA < e.PRODUCT_MIN_AMOUNT || e.QUOTA_MAX < e.PRODUCT_QUOTA) {
    throw new ConfigError('PRODUCT_QUOTA must lie between PRODUCT_MIN_AMOUNT and QUOTA_MAX');
  }
  const feeTooHigh = termsWhereFeeReachesPrincipal({ terms: e.PRODUCT_TERMS, loanRatePpm: e.LOAN_RATE, minAmount: e.PRODUCT_MIN_AMOUNT });
  if (feeTooHigh.length) {
    throw new ConfigError(`LOAN_RATE x term reaches the whole principal for PRODUCT_TERMS ${feeTooHigh.join(',')}: the borrower would receive nothing`);
  }
  const market = marketProfile(e.MARKET);
  const demoPhones = DEMO_PHONES[e.MARKET];
  const languages = market.languages as readonly Language[];
  const defaultLanguage = e.DEFAULT_LANGUAGE ?? (market.defaultLanguage as Language);
  if (!languages.includes(defaultLanguage)) {
    throw new ConfigError(`DEFAULT_LANGUAGE: ${defaultLanguage} is not a language of MARKET=${e.MARKET} (${languages.join(', ')})`);
  }
  if (e.CLOCK_AT && e.NODE_ENV === 'production') {
    throw new ConfigError('CLOCK_AT cannot be used in production');
  }
  if (e.COOKIE_SECURE && !e.TRUST_PROXY) {
    // Node serves plain HTTP here; Secure cookies need the proxy's X-Forwarded-Proto to be trusted.
    throw new ConfigError('COOKIE_SECURE=true needs TRUST_PROXY=true (TLS ends at the reverse proxy)');
  }
  if (e.SMS_SENDER === 'http' && !e.SMS_HTTP_URL) {
    throw new ConfigError('SMS_SENDER=http needs SMS_HTTP_URL (the provider endpoint)');
  }
  if (e.UPLOAD_IMAGE_JOBS >= e.UV_THREADPOOL_SIZE) {
    // Image work and scrypt share libuv's pool: a full pool would stall every sign-in.
    throw new ConfigError('UPLOAD_IMAGE_JOBS must be smaller than UV_THREADPOOL_SIZE (libuv threads left for sign-in)');
  }
  if (e.NODE_ENV === 'production') {
    const missing = [
      e.SESSION_SECRET === DEFAULT_SESSION_SECRET && 'SESSION_SECRET must be set to a private random value in production',
      e.PAYMENT_WEBHOOK_SECRET === DEFAULT_WEBHOOK_SECRET &&
        'PAYMENT_WEBHOOK_SECRET must be set to a private random value in production',
      // The sandbox lets anyone mark a payment paid: production must ask for it by name (staging, benchmarks).
      !e.PAYMENT_GATEWAY && 'PAYMENT_GATEWAY must be set explicitly in production',
      e.DATA_KEY.some((k) => `${k.id}:${k.key}` === DEFAULT_DATA_KEY) && 'DATA_KEY must be set to private keys in production (id:base64 of 32 random bytes)',
      e.DATA_HASH_KEY === DEFAULT_DATA_HASH_KEY && 'DATA_HASH_KEY must be set to a private random value in production',
      !e.KYC_PROVIDER && 'KYC_PROVIDER must be set explicitly in production',
    ].filter(Boolean);
    if (missing.length) throw new ConfigError(missing.join('\n'));
  }
  const config: Config = {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY,
    proxyHops: e.TRUSTED_PROXY_HOPS,
    database: databaseFrom(e.DATABASE_URL),
    uploadDir: e.UPLOAD_DIR,
    uploadStorage: e.UPLOAD_STORAGE ?? (/^postgres(ql)?:\/\//.test(e.DATABASE_URL) ? 'db' : 'dir'),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    shutdownIdleMs: Math.min(e.SHUTDOWN_IDLE_MS, e.SHUTDOWN_GRACE_MS),
    metrics: { allow: e.METRICS_ALLOW, token: e.METRICS_TOKEN },
    session: {
      secret: e.SESSION_SECRET,
      secureCookie: e.COOKIE_SECURE,
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    },
    login: {
      maxPerPhone: e.LOGIN_MAX_PER_PHONE,
      maxPerAccount: Math.max(e.LOGIN_MAX_PER_ACCOUNT, e.LOGIN_MAX_PER_PHONE),
      maxPerAddress: e.LOGIN_MAX_PER_ADDRESS,
      windowMs: e.LOGIN_WINDOW_MINUTES * 60_000,
    },
    timeZone: e.BUSINESS_TIME_ZONE ?? market.timeZone,
    defaultLanguage,
    languages,
    currency: e.CURRENCY ?? market.currency,
    product: {
      quota: e.PRODUCT_QUOTA,
      terms: e.PRODUCT_TERMS,
      defaultTerm: e.PRODUCT_DEFAULT_TERM,
      minAmount: e.PRODUCT_MIN_AMOUNT,
      amountStep: e.PRODUCT_AMOUNT_STEP,
      loanRatePpm: e.LOAN_RATE,
      repayRatePpm: e.REPAY_RATE,
      overdueRatePpm: e.OVERDUE_RATE,
      overdueCapPpm: e.OVERDUE_CAP,
    },
    review: { mode: e.REVIEW_MODE, reapplyAfterDays: e.REAPPLY_AFTER_DAYS },
    quotaGrowth: { step: e.QUOTA_GROWTH, max: e.QUOTA_MAX },
    delayMax: e.DELAY_MAX,
    delayMode: e.DELAY_MODE,
    uploads: {
      maxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
      maxPixels: e.UPLOAD_MAX_MEGAPIXELS * 1_000_000,
      memoryBytes: e.UPLOAD_MEMORY_MB * 1024 * 1024,
      perHour: e.UPLOADS_PER_HOUR,
      imageJobs: e.UPLOAD_IMAGE_JOBS,
      threadPool: e.UV_THREADPOOL_SIZE,
    },
    backgroundNice: e.BACKGROUND_NICE,
    utrPattern: new RegExp(e.UTR_PATTERN),
    feedbackPerHour: e.FEEDBACK_PER_HOUR,
    contacts: { enabled: e.CONTACTS_ENABLED, consentVersion: e.CONTACTS_CONSENT_VERSION },
    support: { phone: e.SUPPORT_PHONE ?? demoPhones.support, whatsapp: e.SUPPORT_WHATSAPP ?? demoPhones.support, hours: e.SUPPORT_HOURS },
    payments: {
      gateway: e.PAYMENT_GATEWAY ?? 'sandbox',
      webhookSecret: e.PAYMENT_WEBHOOK_SECRET,
      intentMs: e.PAYMENT_INTENT_HOURS * 3_600_000,
      referenceMs: e.PAYMENT_REFERENCE_HOURS * 3_600_000,
    },
    // Unset, the payout provider and its secret follow the payment ones (both required explicitly in production).
    payouts: { gateway: e.PAYOUT_GATEWAY ?? e.PAYMENT_GATEWAY ?? 'sandbox', webhookSecret: e.PAYOUT_WEBHOOK_SECRET ?? (e.PAYMENT_WEBHOOK_SECRET === DEFAULT_WEBHOOK_SECRET ? DEFAULT_PAYOUT_SECRET : e.PAYMENT_WEBHOOK_SECRET), stuckMs: e.PAYOUT_STUCK_MINUTES * 60_000 },
    protection: {
      lender: e.LENDER_NAME,
      kfsVersion: e.KFS_VERSION,
      coolingOffDays: e.COOLING_OFF_DAYS,
      grievance: { name: e.GRIEVANCE_NAME, phone: e.GRIEVANCE_PHONE ?? demoPhones.grievance, email: e.GRIEVANCE_EMAIL, hours: e.GRIEVANCE_HOURS },
      escalation: { authority: e.ESCALATION_AUTHORITY ?? market.regulator.authority, url: e.ESCALATION_URL ?? market.regulator.url, afterDays: e.ESCALATION_AFTER_DAYS },
    },
    sms: { sender: e.SMS_SENDER, httpUrl: e.SMS_HTTP_URL, httpToken: e.SMS_HTTP_TOKEN, from: e.SMS_FROM },
    otp: { perPhoneHour: e.OTP_PER_PHONE_HOUR, perAddressHour: e.OTP_PER_ADDRESS_HOUR },
    texts: {
      en: { lender: e.LENDER_NAME, grievanceName: e.GRIEVANCE_NAME, grievanceHours: e.GRIEVANCE_HOURS, supportHours: e.SUPPORT_HOURS },
      es: { lender: e.LENDER_NAME_ES, grievanceName: e.GRIEVANCE_NAME_ES, grievanceHours: e.GRIEVANCE_HOURS_ES, supportHours: e.SUPPORT_HOURS_ES },
      hi: { lender: e.LENDER_NAME_HI, grievanceName: e.GRIEVANCE_NAME_HI, grievanceHours: e.GRIEVANCE_HOURS_HI, supportHours: e.SUPPORT_HOURS_HI },
    },
    market: e.MARKET,
    dataProtection: { keys: e.DATA_KEY, hashKey: e.DATA_HASH_KEY },
    kyc: { required: e.KYC_REQUIRED, provider: e.KYC_PROVIDER ?? 'sandbox', autoApprove: e.KYC_AUTO_APPROVE, faceMatchMin: e.FACE_MATCH_MIN },
    clockAt: e.CLOCK_AT ? new Date(e.CLOCK_AT) : undefined,
    logLevel: e.LOG_LEVEL,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
