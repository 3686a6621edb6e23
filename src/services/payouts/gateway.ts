/**
 * What Cuota needs from a payout provider (Mexico: an SPEI transfer to a
 * CLABE). A real provider is added by implementing this interface (see
 * docs/loans-and-payments.md, "Adding a real payout provider") and naming it
 * in PAYOUT_GATEWAY; nothing else in the app changes.
 */
export interface PayoutRequest {
  /** The same key for the same attempt: a provider must never send two transfers for one key. */
  idempotencyKey: string;
  /** Minor units. */
  amount: number;
  bankCode: string;
  /** The full account number (CLABE), unsealed only for this call. */
  accountNumber: string;
  holderName: string;
}

/** The provider's first answer: arrived already, refused, or accepted and to be confirmed by a callback. */
export type PayoutAnswer =
  | { status: 'paid'; providerRef: string; at: number }
  | { status: 'failed'; reason: string }
  | { status: 'pending'; providerRef: string };

/** A callback whose signature checked out. */
export interface VerifiedPayoutEvent {
  eventId: string;
  /** The idempotency key the payout was sent with. */
  idempotencyKey: string;
  status: 'paid' | 'failed' | 'returned';
  /** When the money arrived (paid), or the event happened. */
  at: number;
  reason?: string;
}

export interface PayoutGateway {
  readonly name: string;
  /** Sends (or re-sends, by idempotency key) a payout. Throwing leaves it pending for a callback or staff. */
  send(request: PayoutRequest): Promise<PayoutAnswer>;
  /** Checks a callback's signature and reads it; throws NotificationError when it cannot be trusted. */
  verifyCallback(rawBody: string, headers: Record<string, string | undefined>, now: number): VerifiedPayoutEvent;
}
