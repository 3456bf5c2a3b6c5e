import { GatewayError } from '../errors/gateway-error';
import type { ClientConnection } from '../http/client-connection';
import type { ProviderRuntime } from '../keys/provider-runtime';
import { UpstreamResponseTooLarge, readUpstreamBody } from '../upstream/upstream-body.reader';
import type { UpstreamClient, UpstreamResponse } from '../upstream/upstream.client';
import type { UpstreamDialect } from '../upstream/upstream-dialect';
import type { BridgedRequest } from './bridged-request';
import { exhaustionError, transportError } from './failure-mapping';
import { sendWithFailover, type AttemptSummary, type FailoverCall, type UpstreamAttemptMetrics } from './upstream-attempts';

/** Why an exchange ended without an upstream answer to relay, for the record. */
export interface ExchangeFailure {
  type: string;
  message: string;
}

export const CLIENT_DISCONNECTED: ExchangeFailure = { type: 'client_disconnected', message: 'the client closed the connection' };

/** Writes the client's answer to a gateway error (in the provider's shape). */
export type AnswerError = (error: GatewayError) => void;

export type SentRequest = { ok: true; response: UpstreamResponse } | { ok: false; failure: ExchangeFailure };

/**
 * `sendWithFailover`, and the client's answer when no upstream answer came (no key left, the upstream unreachable):
 * the one place its result is read. A client that has left is answered nothing.
 */
export async function sendOrAnswer(call: FailoverCall & { provider: ProviderRuntime }, answerError: AnswerError): Promise<SentRequest> {
  const result = await sendWithFailover(call);
  switch (result.kind) {
    case 'response':
      return { ok: true, response: result.response };
    case 'aborted':
      return { ok: false, failure: CLIENT_DISCONNECTED };
    case 'exhausted':
      return answered(exhaustionError(call.provider, result.walker), answerError);
    case 'transport':
      return answered(transportError(result.failure, result.error), answerError);
  }
}

/** What a bridged request's upstream calls share; only the body differs between the tool loop's iterations. */
export interface BridgedExchange {
  client: UpstreamClient;
  metrics: UpstreamAttemptMetrics;
  request: BridgedRequest;
  connection: ClientConnection;
  summary: AttemptSummary;
  model: string;
}

/** `POST`s `body` to the bridged route upstream, as `sendOrAnswer`. */
export function sendBridged(exchange: BridgedExchange, body: Buffer, answerError: AnswerError): Promise<SentRequest> {
  const { request } = exchange;
  if (request.provider.dialect) return sendThroughDialect(exchange, request.provider.dialect, body, answerError);
  return sendOrAnswer(
    {
      client: exchange.client,
      provider: request.provider,
      route: request.api,
      plan: request.plan,
      request: { target: request.upstream, method: 'POST', headers: request.forwardHeaders, body, signal: exchange.connection },
      summary: exchange.summary,
      metrics: exchange.metrics,
      model: exchange.model,
    },
    answerError,
  );
}

/**
 * `sendBridged` for a provider whose upstream speaks a dialect: the call rewritten for it (or refused before anything
 * goes upstream), and its answer turned back into the provider's API.
 */
async function sendThroughDialect(exchange: BridgedExchange, dialect: UpstreamDialect, body: Buffer, answerError: AnswerError): Promise<SentRequest> {
  const { request } = exchange;
  const call = dialect.bridgedCall(
    { target: request.upstream, headers: request.forwardHeaders, body },
    request.plan.kind === 'byok' ? request.plan.credential : undefined,
  );
  if (call instanceof GatewayError) return answered(call, answerError);
  const sent = await sendOrAnswer(
    {
      client: exchange.client,
      provider: request.provider,
      route: request.api,
      plan: request.plan,
      request: { ...call, method: 'POST', signal: exchange.connection },
      summary: exchange.summary,
      metrics: exchange.metrics,
      model: exchange.model,
    },
    answerError,
  );
  if (!sent.ok) return sent;
  try {
    return { ok: true, response: await dialect.translateResponse(sent.response) };
  } catch (error) {
    if (exchange.connection.isDisconnected) return { ok: false, failure: CLIENT_DISCONNECTED };
    return answered(transportError('connection', error as Error), answerError);
  }
}

export type BlockingBody = { ok: true; body: Buffer } | { ok: false; failure: ExchangeFailure };

/** A blocking upstream body of at most `limit` bytes; one that cannot be read is answered with 502 (or 504). */
export async function readOrAnswer(upstream: UpstreamResponse, limit: number, connection: ClientConnection, answerError: AnswerError): Promise<BlockingBody> {
  try {
    return { ok: true, body: await readUpstreamBody(upstream, limit) };
  } catch (error) {
    if (connection.isDisconnected) return { ok: false, failure: CLIENT_DISCONNECTED };
    return answered(error instanceof UpstreamResponseTooLarge ? error.toGatewayError() : transportError('connection', error as Error), answerError);
  }
}

function answered(error: GatewayError, answerError: AnswerError): { ok: false; failure: ExchangeFailure } {
  answerError(error);
  return { ok: false, failure: { type: error.kind, message: error.message } };
}
