/** A text message the development sender kept, as the outbox page lists it. */
export interface OutboxEntry {
  to: string;
  text: string;
  purpose: string;
  at: number;
}
