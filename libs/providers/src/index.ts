export { isJsonObject, parseJsonObject, type JsonObject } from './json-value';
export { BRIDGED_API_TRAITS, PROVIDER_TYPES, providerTypeOfApi, type BridgedApi, type BridgedApiTraits, type ProviderType } from './provider-type';

export type { KeyFailure, ProviderDescription } from './description/provider-description';
export { accountHeadersOfAllProviders, describeProvider, PROVIDER_DESCRIPTIONS, type ProviderRef } from './description/provider-descriptions';

export { matchRoute, type RouteMatch, type RouteRule, type StoredObjectKind } from './routes/route.table';
export {
  AZURE_DEFAULT_API_VERSION,
  azureDeploymentPath,
  azureDeploymentRequest,
  azureDeploymentTarget,
  azureOpenaiDescription,
  azureBodyModel,
  deploymentOf,
  type AzureDeploymentForm,
  type UpstreamAuth,
} from './azure/azure-openai';
export { DEFAULT_BASE_URLS, defaultBaseUrl, parseUpstreamBase, upstreamPathAndQuery, upstreamUrl, type UpstreamBase } from './routes/upstream-url';

export {
  extractCredentials,
  queryParameter,
  withoutQueryParameter,
  GATEWAY_TOKEN_HEADER,
  GATEWAY_TOKEN_PREFIX,
  type CredentialHeader,
  type ExtractedCredentials,
  type GatewayTokenHeader,
} from './credentials/credentials.extractor';
export {
  ALWAYS_STRIPPED_REQUEST_HEADERS,
  CLIENT_CREDENTIAL_HEADERS,
  HOP_BY_HOP_HEADERS,
  POOL_KEY_STRIPPED_REQUEST_HEADERS,
  headersToForward,
} from './credentials/forward-headers';
export { applyCredential, byokUpstreamHeader } from './credentials/upstream-credential';
export type { RequestHeaders } from './credentials/request-headers';

export { errorBody, type ProviderErrorDetails } from './errors/error-body';
export { errorShapeFor, type ErrorShape, type GatewayErrorKind } from './errors/error-shape.table';
export { sseErrorEvent, type StreamErrorDetails } from './errors/sse-error.event';
export { isModelAccessDenial } from './errors/model-access-denial';

export { SseEventTooLarge, SseParser, type SseEvent } from './sse/sse.parser';
export { EventBoundary } from './sse/event-boundary';

export { inspectRequest, type PathFacts, type RequestInspection } from './requests/request.inspector';
export { setIncludeUsage, withIncludeUsage } from './requests/include-usage.rewriter';
export { withModel } from './requests/model.rewriter';

export { createStreamObserver, observeBlocking } from './observation/response.observer';
export type {
  ResponseObservation,
  StreamObservation,
  StreamObserver,
  TokenUsage,
  ToolCall,
} from './observation/observation.types';

export * from './agentic';
export * from './bedrock';
