// Builds the Fastify app: the request pipeline, then every route.

import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { EmulatorContext } from './context.js';
import { installPipeline, sendFrameworkError } from './pipeline.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerClusterAuthorizationRoutes } from './routes/cluster-authorizations.js';
import { registerLabelRoutes } from './routes/labels.js';
import { registerReviewRoutes } from './routes/reviews.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { registerTokenRoutes } from './routes/token.js';

export function buildServer(ctx: EmulatorContext): FastifyInstance {
  const logger = ctx.options.logger;
  const app: FastifyInstance = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    // The pipeline logs one line per request itself (with cluster_id and outcome).
    logController: new LogController({ disableRequestLogging: true }),
    // Tests close the emulator while clients still hold keep-alive sockets.
    forceCloseConnections: true,
    // A malformed escape or an over-long path parameter: answered before any hook runs.
    frameworkErrors: (error, _request, reply) => sendFrameworkError(error, reply as FastifyReply),
  }) as unknown as FastifyInstance;
  installPipeline(app, ctx);
  registerTokenRoutes(app, ctx);
  registerClusterAuthorizationRoutes(app, ctx);
  registerSubscriptionRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerLabelRoutes(app, ctx);
  registerReviewRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  return app;
}
