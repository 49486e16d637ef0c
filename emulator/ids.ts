// AMS identifiers are 27-character base62 strings (KSUID-like).

import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 27;

function base62(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 62];
  return out;
}

export function newId(): string {
  return base62(randomBytes(ID_LENGTH));
}

/** Same seed, same id: configured accounts and organizations keep their ids across restarts. */
export function stableId(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return base62(digest.subarray(0, ID_LENGTH));
}
