import sharp from 'sharp';
import { type AccountInput, type DocumentInput, type IdentityChecks, ProviderUnavailable } from './provider.ts';

/** The name and CURP the sandbox "reads" from a red picture: somebody else's. */
export const SANDBOX_OTHER_NAME = 'SANDBOX OTRA PERSONA';
export const SANDBOX_OTHER_CURP = 'MAHJ280603MSPRRV09';

type Look = 'dark' | 'red' | 'normal';

/** What a picture looks like on average: nearly black, mostly red, or anything else. */
async function look(image: Buffer): Promise<Look> {
  const { channels } = await sharp(image).stats();
  const [r, g, b] = channels.map((c) => c.mean) as [number, number, number];
  if ((r + g + b) / 3 < 40) return 'dark';
  if (r > g + 60 && r > b + 60) return 'red';
  return 'normal';
}

/**
 * A deterministic stand-in for a document-check provider, answering from the
 * pictures and numbers themselves so every outcome can be tried by hand:
 * - a nearly black picture cannot be read (and has no face: score 5);
 * - a mostly red ID reads somebody else's name and CURP, a mostly red selfie scores 35;
 * - any other ID reads what the borrower typed, any other selfie scores 92;
 * - an account whose number ends in 0000 before its check digit belongs to somebody else,
 *   one ending in 9999 makes the bank unavailable (the account stays pending), others belong to the borrower.
 */
export function createSandboxChecks(): IdentityChecks {
  return {
    name: 'sandbox',
    async extract(document: DocumentInput) {
      const seen = await look(document.image);
      if (seen === 'dark') return { name: null, idNumber: null };
      if (seen === 'red') return { name: SANDBOX_OTHER_NAME, idNumber: SANDBOX_OTHER_CURP };
      return { name: document.claimed.name, idNumber: document.claimed.idNumber };
    },
    async faceMatch(selfie: Buffer) {
      const seen = await look(selfie);
      return { score: seen === 'dark' ? 5 : seen === 'red' ? 35 : 92 };
    },
    async holderName(account: AccountInput) {
      const body = account.number.slice(0, -1);
      if (body.endsWith('9999')) throw new ProviderUnavailable('sandbox: bank unavailable');
      if (body.endsWith('0000')) return { name: SANDBOX_OTHER_NAME };
      return { name: account.claimedName };
    },
  };
}
