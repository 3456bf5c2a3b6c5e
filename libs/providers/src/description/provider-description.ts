import type { CredentialHeader } from '../credentials/credentials.extractor';
import type { ProviderErrorDetails } from '../errors/error-body';
import type { ErrorShape, GatewayErrorKind } from '../errors/error-shape.table';
import type { ProviderType } from '../provider-type';
import type { RouteRule } from '../routes/route.table';

/** An upstream error answer as the key pool should classify it (see `keyFailureFromBody`). */
export interface KeyFailure {
  status: number;
  /** A cooldown the answer's body asks for (Google's `RetryInfo.retryDelay`), preferred to its headers. */
  retryAfterMs?: number;
}

/**
 * Everything the gateway needs to know about one provider type, in one place. The gateway reads only this (and the
 * per-API observers): a new provider type is a new description, registered in `provider-descriptions.ts`.
 */
export interface ProviderDescription {
  type: ProviderType;
  /** `gen_ai.provider.name` in the GenAI semantic conventions (`openai`, `anthropic`, `gcp.gemini`). */
  genAiProviderName: string;
  /** Where the provider's API is when an instance names no `baseUrl`. */
  defaultBaseUrl: string;
  /**
   * What follows `/{instance name}` before the provider's own paths: `/v1` when the official SDKs' base URL ends in
   * `/v1` and their paths do not start with it (OpenAI), empty when they do (Anthropic).
   */
  routePrefix: string;
  /** The allow-listed routes, relative to the route prefix; everything else answers 404. */
  routes: readonly RouteRule[];
  /** The header a pool key goes upstream in: `authorization` carries `Bearer <key>`, `x-api-key` the bare key. */
  credentialHeader: CredentialHeader;
  /** Where a client's own provider key (BYOK) is looked for, most preferred first. */
  clientCredentialHeaders: readonly CredentialHeader[];
  /**
   * A query parameter clients may put a key in (Gemini's `key`): read like the first client credential header, and
   * never sent upstream (a key found there goes upstream in `credentialHeader`).
   */
  credentialQueryParameter?: string;
  /** HTTP status and the provider's error `type` (and `code`, where the provider has one) per gateway error. */
  errorShapes: Readonly<Record<GatewayErrorKind, ErrorShape>>;
  /** A gateway-made error body in the provider's own JSON shape, so the official SDKs raise their usual errors. */
  errorBody(error: ProviderErrorDetails): string;
  /**
   * Headers naming the provider account, organisation or project: a client using a pool key may neither choose one
   * (`request`) nor learn the company's (`response`).
   */
  accountHeaders: { request: readonly string[]; response: readonly string[] };
  /**
   * How the provider says, beyond naming the model in the message, that a key may not use a model: an error `code`,
   * or a phrase of the message (lower case). A 403 saying so fails over for that model only.
   */
  modelDenial?: { code: string; phrase: string };
  /**
   * Error answers whose body tells the key pool more than their status (read only for these statuses, and only for a
   * pool key): the status the pool should take them for, and a cooldown the body asks for.
   */
  keyFailureFromBody?: { statuses: readonly number[]; read(status: number, body: Buffer): KeyFailure };
  /** Answers the client saw that count against a circuit breaker (429 never does: the key pool handles it). */
  breakerStatuses: readonly number[];
  /** The SSE bytes that keep a stream alive through upstream silence, when the provider's clients expect them. */
  streamPing?: string;
  /** What a key of this provider looks like, checked before one is saved (`vendor` names it in the refusal). */
  keyFormat: { prefix: string; vendor: string };
  /** The cheap authenticated call that tells whether a key works (the model list), relative to the base URL. */
  keyCheck: { path: string; headers: Readonly<Record<string, string>> };
}
