// The SSO token endpoint: client_credentials and refresh_token grants, answered
// (and failed) the way Keycloak does: {error, error_description} with 400 or 401.

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from '../context.js';
import type { Account } from '../directory.js';
import { TokenError } from '../tokens.js';

export const TOKEN_PATH = '/auth/realms/redhat-external/protocol/openid-connect/token';

/** The client id the OCM tools use for user logins. */
const DEFAULT_CLIENT_ID = 'cloud-services';

function oauthError(reply: FastifyReply, status: 400 | 401, error: string, description: string) {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerTokenRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(TOKEN_PATH, async (request, reply) => {
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      return oauthError(reply, 400, 'invalid_request', 'Request body must be application/x-www-form-urlencoded');
    }
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? form.client_id;
    const clientSecret = basic?.secret ?? form.client_secret;

    const answer = async (account: Account, client: string, refresh?: 'Refresh' | 'Offline') => {
      const body: Record<string, unknown> = {
        access_token: await ctx.tokens.issueAccess(account, client),
        expires_in: ctx.tokens.accessTtlSeconds,
        refresh_expires_in: 0,
        token_type: 'Bearer',
        'not-before-policy': 0,
        scope: refresh === 'Offline' ? 'openid offline_access' : 'openid',
      };
      if (refresh) {
        body.refresh_token = await ctx.tokens.issueRefresh(account, client, refresh);
        body.refresh_expires_in = refresh === 'Refresh' ? 36_000 : 0;
      }
      return reply.header('cache-control', 'no-store').send(body);
    };

    switch (form.grant_type) {
      case undefined:
      case '':
        return oauthError(reply, 400, 'invalid_request', 'Missing form parameter: grant_type');
      case 'client_credentials': {
        const account = clientId ? ctx.directory.byClientId(clientId) : undefined;
        if (!account || !clientSecret || !account.clientSecret || !sameSecret(clientSecret, account.clientSecret)) {
          return oauthError(reply, 401, 'invalid_client', 'Invalid client or Invalid client credentials');
        }
        return answer(account, clientId ?? '');
      }
      case 'refresh_token': {
        if (!form.refresh_token) return oauthError(reply, 400, 'invalid_request', 'Missing parameter: refresh_token');
        try {
          const claims = await ctx.tokens.verify(form.refresh_token, ['Refresh', 'Offline']);
          const account = ctx.directory.byId(claims.sub);
          if (!account) return oauthError(reply, 400, 'invalid_grant', 'Invalid refresh token: unknown account');
          return answer(account, clientId ?? DEFAULT_CLIENT_ID, claims.typ === 'Offline' ? 'Offline' : 'Refresh');
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          return oauthError(reply, 400, 'invalid_grant', `Invalid refresh token: ${error.message}`);
        }
      }
      default:
        return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant_type '${form.grant_type}'`);
    }
  });
}
