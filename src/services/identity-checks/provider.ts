// The document-check and account-holder provider, behind one interface (see docs/accounts-and-identity.md, "Adding a real document-check provider").

/** An ID image, with what the borrower typed (a real OCR reads the image; name-match APIs also take the claim). */
export interface DocumentInput {
  image: Buffer;
  side: 'front' | 'back';
  claimed: { name: string; idNumber: string };
}

export interface DocumentReading {
  /** The holder's name as printed, or null when it could not be read. */
  name: string | null;
  /** The national ID number as printed, or null. */
  idNumber: string | null;
}

export interface AccountInput {
  bankCode: string;
  number: string;
  /** The verified (or declared) name of the borrower, for providers that compare names themselves. */
  claimedName: string;
}

/** Raised when the provider cannot answer now; the work stays pending and can be retried. */
export class ProviderUnavailable extends Error {}

export interface IdentityChecks {
  readonly name: string;
  /** Reads the name and ID number printed on an ID image. */
  extract(document: DocumentInput): Promise<DocumentReading>;
  /** How alike the selfie and the ID's photo are: 0 (different people) to 100. */
  faceMatch(selfie: Buffer, idPhoto: Buffer): Promise<{ score: number }>;
  /** The account holder's name as the bank knows it (a "penny drop" or name enquiry), or null when unknown. */
  holderName(account: AccountInput): Promise<{ name: string | null }>;
}
