// Tokens as Red Hat SSO issues them: JWT access tokens (typ Bearer) and refresh
// tokens (typ Refresh, or Offline for the long-lived tokens users paste into
// `ocm login --token`). Signed with HS256 by a key the emulator keeps (persisted
// with the data file, so printed offline tokens survive a restart). Validity uses
// the real clock: advancing the emulator clock ages subscriptions, not logins.

import { randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Account } from './directory.js';

export type TokenType = 'Bearer' | 'Refresh' | 'Offline';

export interface TokenClaims extends JWTPayload {
  typ: TokenType;
  sub: string;
  preferred_username: string;
  org_id: string;
  azp: string;
}

/** Refresh tokens (not offline ones) expire after ten hours, like SSO sessions. */
const REFRESH_TTL_SECONDS = 10 * 60 * 60;

export class TokenError extends Error {}

export function newSigningKey(): string {
  return randomBytes(32).toString('base64url');
}

export class TokenService {
  readonly #key: Uint8Array;
  readonly #issuer: () => string;
  readonly #ttlSeconds: number;

  constructor(options: { key: string; issuer: () => string; ttlSeconds: number }) {
    this.#key = Buffer.from(options.key, 'base64url');
    this.#issuer = options.issuer;
    this.#ttlSeconds = options.ttlSeconds;
  }

  get accessTtlSeconds(): number {
    return this.#ttlSeconds;
  }

  issueAccess(account: Account, clientId: string): Promise<string> {
    return this.#sign(account, clientId, 'Bearer', this.#ttlSeconds);
  }

  issueRefresh(account: Account, clientId: string, type: 'Refresh' | 'Offline'): Promise<string> {
    return this.#sign(account, clientId, type, type === 'Refresh' ? REFRESH_TTL_SECONDS : undefined);
  }

  /** Verifies signature, expiry and type; throws TokenError with a reason otherwise. */
  async verify(token: string, types: readonly TokenType[]): Promise<TokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenError('token is expired');
      throw new TokenError('token signature is invalid or the token is malformed');
    }
    const claims = payload as TokenClaims;
    if (!types.includes(claims.typ)) throw new TokenError(`token type '${String(claims.typ)}' is not accepted here`);
    if (typeof claims.sub !== 'string') throw new TokenError('token has no subject');
    return claims;
  }

  #sign(account: Account, clientId: string, typ: TokenType, ttlSeconds: number | undefined): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({
      typ,
      preferred_username: account.username,
      email: account.email,
      org_id: account.organization.id,
      account_id: account.id,
      azp: clientId,
      scope: typ === 'Offline' ? 'openid offline_access' : 'openid',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.#issuer())
      .setSubject(account.id)
      .setIssuedAt(now)
      .setJti(randomUUID());
    if (ttlSeconds !== undefined) jwt.setExpirationTime(now + ttlSeconds);
    return jwt.sign(this.#key);
  }
}
