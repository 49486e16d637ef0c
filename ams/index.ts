export type * from './types.js';
export { AMS_CLIENT_DEFAULTS, resolveAmsClientOptions } from './config.js';
export type { AmsAuthOptions, AmsClientOptions, ClientCredentialsAuth, StaticTokenAuth } from './config.js';
export {
  AmsApiError,
  AmsAuthError,
  AmsError,
  AmsNetworkError,
  AmsResponseValidationError,
} from './errors.js';
export type { AmsErrorEnvelope, AmsRequestTarget, AmsValidationIssue } from './errors.js';
export { AmsCircuitOpenError, CIRCUIT_BREAKER_DEFAULTS, type AmsCircuitBreakerOptions } from './circuit-breaker.js';
export { AMS_V1, HttpAmsClient, createAmsClient, searchString } from './http-client.js';
export { AMS_REDACT_PATHS } from './logging.js';
export { parseRetryAfter } from './retry-after.js';
export {
  AccountSchema,
  ClusterAuthorizationResponseSchema,
  ErrorEnvelopeSchema,
  SUBSCRIPTION_STATUSES,
  SubscriptionListSchema,
  SubscriptionSchema,
} from './schemas.js';
export {
  ClientCredentialsTokenProvider,
  StaticTokenProvider,
  createTokenProvider,
  decodeJwtPayload,
} from './token-provider.js';
export type { TokenProvider } from './token-provider.js';
export { AmsInputError, AmsOperatorClient, AUTHORIZATIONS_V1, capabilityKey, LabelSchema } from './operator.js';
export type { CapabilityReviewInput, Label } from './operator.js';
