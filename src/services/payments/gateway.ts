/**
 * What Cuota needs from a payment provider. A real provider is added by
 * implementing this interface (see docs/loans-and-payments.md, "Adding a real payment provider")
 * and naming it in PAYMENT_GATEWAY; nothing else in the app changes.
 */
export type PayType = 1 | 2;

export interface ReferenceRequest {
  paytype: PayType;
  /** Minor units, frozen on the payment intent. */
  amount: number;
  expiresAt: number;
  /** This portal's public origin, for links the provider hands back (checkout pages). */
  baseUrl: string;
}

export interface IssuedReference {
  /** What the borrower pays against: a CLABE for transfers, a voucher number for cash. */
  reference: string;
  /** The short code shown beside it (the numeric transfer reference, or the voucher number). */
  barcode: string;
  /** Method name as the spec shows it: "stp" or "Paycash". */
  methodName: string;
  /** The provider's hosted checkout page, when it has one (cash vouchers). */
  checkoutUrl?: string;
}

/** A notification whose signature checked out. */
export interface VerifiedNotification {
  eventId: string;
  reference: string;
  /** Minor units actually received. */
  amount: number;
  status: 'paid' | 'expired' | 'failed';
  paidAt: number;
}

/** Why a notification was not accepted; `status` is the HTTP answer given to the provider. */
export class NotificationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
    this.name = 'NotificationError';
  }
}

export interface Gateway {
  readonly name: string;
  /** Issues a new reference for an amount; the caller stores it. */
  issueReference(request: ReferenceRequest): Promise<IssuedReference>;
  /** The provider's view of a reference. */
  lookupStatus(reference: string): Promise<'pending' | 'paid' | 'expired' | 'unknown'>;
  /** Checks a notification's signature and reads it; throws NotificationError when it cannot be trusted. */
  verifyNotification(rawBody: string, headers: Record<string, string | undefined>, now: number): VerifiedNotification;
}
