// Bearer token check for API routes: missing, forged or expired tokens get 401 in
// the OCM error envelope.

import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.js';
import type { Account } from './directory.js';
import { ERROR_CODES, unauthenticated } from './errors.js';
import { TokenError } from './tokens.js';

export async function authenticate(ctx: EmulatorContext, request: FastifyRequest): Promise<Account> {
  const header = request.headers.authorization;
  if (!header) throw unauthenticated('Request is missing an access token (Authorization: Bearer)');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('Authorization header must be of the form: Bearer <access token>');
  try {
    const claims = await ctx.tokens.verify(match[1], ['Bearer']);
    const account = ctx.directory.byId(claims.sub);
    if (!account) throw new TokenError('token subject is not a known account');
    return account;
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(`Invalid access token: ${error.message}`, ERROR_CODES.invalidToken);
    throw error;
  }
}
