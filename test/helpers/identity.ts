import sharp from 'sharp';
import type { Client } from './client.ts';
import { curpFor } from './factories.ts';
import { multipart } from './images.ts';

/** A plain photo of `colour` (the sandbox reads an ordinary picture as the borrower's own ID and face). */
export function photo(colour = '#c8b49a', width = 900, height = 600): Promise<Buffer> {
  const svg = `<svg width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour}"/><rect x="60" y="60" width="220" height="280" fill="#6b5a4a"/><rect x="320" y="80" width="500" height="40" fill="#333"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** The sandbox reads a mostly red ID as somebody else's, and scores a red selfie 35. */
export const redPhoto = () => photo('#e01010');
/** The sandbox cannot read a nearly black picture. */
export const darkPhoto = () => photo('#050505');

const B = 'cuota-identity-boundary';

/** The documents step as the app sends it: three files in one multipart body. */
export function documentsRequest(images: Partial<Record<'id_front' | 'id_back' | 'selfie' | 'file', Buffer>>, fields: Record<string, string> = {}) {
  const parts: Array<[string, Buffer | string]> = Object.entries(fields).map(([k, v]) => [`Content-Disposition: form-data; name="${k}"`, v]);
  for (const [field, bytes] of Object.entries(images)) {
    if (bytes) parts.push([`Content-Disposition: form-data; name="${field}"; filename="${field}.jpg"\r\nContent-Type: image/jpeg`, bytes]);
  }
  return { body: multipart(B, parts), headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' } };
}

export const PERSON = { full_name: 'María José Hernández García', birth_date: '1956-04-27', id_number: 'HEGG560427MVZRRL04' };

/** Every step through the JSON actions, with ordinary pictures and a good CLABE: the borrower ends verified. */
export async function verifyByApp(app: Client, person = PERSON, clabe = '002010077777777771') {
  const out: Array<{ status: number; text: string }> = [];
  out.push(await app.postApp('/Identity/personal', person));
  out.push(await app.postApp('/Identity/address', { state: 'JC', city: 'JC-01' }));
  out.push(await app.postApp('/Identity/work', { employment: 'employed', income: '10k_20k' }));
  const docs = documentsRequest({ id_front: await photo(), id_back: await photo('#d0d0d0'), selfie: await photo('#b09070') });
  out.push(await app.request('POST', '/Identity/documents', docs));
  out.push(await app.postApp('/Bank/add', { account: clabe }));
  return out;
}

let sequence = 0;
/** Personal details with a valid CURP no other borrower in this process has used. */
export function personWith(fullName = 'Persona De Prueba') {
  return { full_name: fullName, birth_date: '1990-01-01', id_number: curpFor(40_000 + (process.pid % 1000) * 100 + ++sequence) };
}
