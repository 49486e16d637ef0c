// The hooks every request goes through: faults, authentication, lazy ageing,
// request logging, JSON content type (204 included), and errors in the OCM envelope.

import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { authenticate } from './auth.js';
import type { EmulatorContext } from './context.js';
import { ApiError, ERROR_CODES, errorBody, notFound } from './errors.js';
import type { FaultAction } from './faults.js';
import type { RequestOutcome } from './request-log.js';
import { TOKEN_PATH } from './routes/token.js';
import { zodToApiError } from './validation.js';

export const ADMIN_PREFIX = '/_emulator';

const pathOf = (url: string) => url.split('?')[0] ?? url;

/**
 * The route a request matched, else its path. What a request is (admin, API) is told
 * by the route, since the router decodes escapes: '/%61pi/…' serves the API and must
 * be authenticated like '/api/…', '/%5femulator/…' is an admin call.
 */
const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? pathOf(request.url);
const isAdmin = (route: string) => route === ADMIN_PREFIX || route.startsWith(`${ADMIN_PREFIX}/`);

/** `cluster_id = 'x'` or `cluster_id in ('x'` in a search (not external_cluster_id). */
const SEARCH_CLUSTER_ID = /(?:^|[^\w.])cluster_id\s*(?:=|\bin\s*\()\s*'((?:[^']|'')*)'/i;

function deriveClusterId(ctx: EmulatorContext, request: FastifyRequest): void {
  const emu = request.emu;
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const body = request.body as Record<string, unknown> | undefined;
  if (params.subscriptionId) {
    emu.subscriptionId = params.subscriptionId;
    emu.clusterId ??= ctx.store.getSubscription(params.subscriptionId)?.cluster_id;
  } else if (typeof body === 'object' && body !== null && typeof body.cluster_id === 'string') {
    emu.clusterId ??= body.cluster_id;
  }
  const search = (request.query as Record<string, unknown> | undefined)?.search;
  const match = typeof search === 'string' ? SEARCH_CLUSTER_ID.exec(search) : null;
  if (match?.[1] !== undefined) emu.clusterId ??= match[1].replace(/''/g, "'");
}

function logRequest(ctx: EmulatorContext, request: FastifyRequest, status: number, outcome: RequestOutcome): void {
  const emu = request.emu;
  if (!emu || emu.admin || emu.logged) return;
  emu.logged = true;
  const entry = ctx.requests.add({
    time: ctx.clock.nowIso(),
    method: request.method,
    path: pathOf(request.url),
    status,
    outcome,
    ...(emu.clusterId !== undefined ? { cluster_id: emu.clusterId } : {}),
    ...(emu.subscriptionId !== undefined ? { subscription_id: emu.subscriptionId } : {}),
    ...(emu.faultIds.length > 0 ? { faults: emu.faultIds } : {}),
    duration_ms: Math.round((performance.now() - emu.startedAt) * 10) / 10,
  });
  request.log.info(
    { method: entry.method, path: entry.path, status, outcome, cluster_id: entry.cluster_id, ms: entry.duration_ms },
    'request',
  );
}

type Answer = Extract<FaultAction, { kind: 'answer' }>;

function faultError(action: Extract<FaultAction, { kind: 'error' | 'rate_limit' | 'outage' }>): ApiError {
  switch (action.kind) {
    case 'error':
      return new ApiError(action.status, ERROR_CODES.general, `Emulated fault: server error ${action.status}`);
    case 'rate_limit':
      return new ApiError(429, ERROR_CODES.tooManyRequests, 'Emulated fault: too many requests', {
        headers: { 'retry-after': String(action.retryAfterSeconds) },
      });
    case 'outage':
      return new ApiError(503, ERROR_CODES.general, 'Emulated outage: service unavailable', {
        headers: action.retryAfterSeconds !== undefined ? { 'retry-after': String(action.retryAfterSeconds) } : {},
      });
  }
}

/** The answer exactly as configured: a Buffer, since fastify would add a charset to a string. */
function sendAnswer(reply: FastifyReply, answer: Answer): FastifyReply {
  void reply.code(answer.status).headers(answer.headers);
  if (answer.contentType !== undefined) void reply.header('content-type', answer.contentType);
  return reply.send(answer.body === '' ? undefined : Buffer.from(answer.body));
}

async function onRequest(ctx: EmulatorContext, request: FastifyRequest): Promise<void> {
  const path = pathOf(request.url);
  const route = routeOf(request);
  request.emu = {
    startedAt: performance.now(),
    admin: isAdmin(route),
    faultIds: [],
    logged: false,
  };
  if (request.emu.admin) return;
  const decision = ctx.faults.decide(request.method, path);
  request.emu.faultIds = decision.ruleIds;
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const action = decision.action;
  request.emu.fault = action;
  // Faults are carried out once the body is read (so the log knows the cluster), unauthenticated.
  if (action !== undefined && action.kind !== 'late_commit' && action.kind !== 'commit_then_drop') return;
  if (route.startsWith('/api/')) request.emu.account = await authenticate(ctx, request);
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) return zodToApiError(error);
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, status === 415 ? ERROR_CODES.badRequest : ERROR_CODES.malformedRequest, error.message);
  }
  return new ApiError(500, ERROR_CODES.general, 'Internal emulator error');
}

/**
 * Errors the router answers before any hook runs (a malformed escape, a path parameter
 * over the router's limit), in the OCM envelope like every other error. Sent as bytes:
 * no hook normalises the Content-Type here, and a string would get a charset.
 */
export function sendFrameworkError(error: FastifyError, reply: FastifyReply): void {
  const apiError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError(414, ERROR_CODES.malformedRequest, 'A path parameter is too long')
      : error.code === 'FST_ERR_BAD_URL'
        ? new ApiError(400, ERROR_CODES.malformedRequest, 'The request path is not a valid URL path')
        : toApiError(error);
  void reply.code(apiError.status).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(errorBody(apiError))));
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ApiError(400, ERROR_CODES.malformedRequest, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function installPipeline(app: FastifyInstance, ctx: EmulatorContext): void {
  app.decorateRequest('emu', undefined as never);

  // Empty JSON bodies are allowed (clients send Content-Type on DELETE); bad JSON is a 400 envelope.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJson(String(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Forms are for the token endpoint only: AMS reads its API bodies as JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (request.routeOptions.url !== TOKEN_PATH) {
      return done(new ApiError(415, ERROR_CODES.badRequest, 'Unsupported Media Type: the API takes application/json'), undefined);
    }
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', (request) => onRequest(ctx, request));

  app.addHook('preHandler', async (request, reply) => {
    if (request.emu.admin) return;
    deriveClusterId(ctx, request);
    const fault = request.emu.fault;
    if (fault?.kind === 'reset') {
      logRequest(ctx, request, 0, 'reset');
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault?.kind === 'answer') return sendAnswer(reply, fault);
    if (fault?.kind === 'error' || fault?.kind === 'rate_limit' || fault?.kind === 'outage') throw faultError(fault);
    // Held here, once the body is read: fastify runs the handler even if the client
    // has gone meanwhile, as an AMS that finishes a request its caller gave up on.
    // The timer does not keep a closed emulator's process alive.
    if (fault?.kind === 'late_commit') await sleep(fault.latencyMs, undefined, { ref: false });
    ctx.store.reconcile();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const fault = request.emu?.fault;
    if (fault?.kind === 'answer') return payload;
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    // A 204 too: ocm-sdk-go 0.1.83-0.1.397 refuses any answer without it, so a DELETE
    // would fail on the caller's side although it was done (ams-wire.md, Envelopes).
    else if (reply.statusCode === 204) reply.header('content-type', 'application/json');
    if (fault?.kind === 'commit_then_drop') {
      logRequest(ctx, request, 0, 'dropped');
      request.raw.socket?.destroy();
    } else if (fault?.kind === 'late_commit' && reply.raw.destroyed) {
      // No onResponse comes for a client that has gone.
      logRequest(ctx, request, reply.statusCode, 'late');
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    logRequest(ctx, request, reply.statusCode, 'answered');
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    // A body fastify could not read (bad JSON, too large) does not stop an answer fault.
    const fault = request.emu?.fault;
    if (fault?.kind === 'answer') return void sendAnswer(reply, fault);
    const failed = fault?.kind === 'error' || fault?.kind === 'rate_limit' || fault?.kind === 'outage';
    if (failed) deriveClusterId(ctx, request);
    const apiError = failed ? faultError(fault) : toApiError(error);
    if (apiError.status === 500 && !(error instanceof ApiError)) request.log.error({ err: error }, 'unhandled emulator error');
    void reply.code(apiError.status).headers(apiError.headers).send(errorBody(apiError));
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(notFound(`Resource '${request.method} ${pathOf(request.url)}'`)));
  });
}
