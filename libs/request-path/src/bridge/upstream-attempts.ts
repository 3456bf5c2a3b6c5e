import type { HandedOutKey, KeySource, KeyWalker } from '@tollgate/keypool';
import { applyCredential, isModelAccessDenial, type CredentialHeader, type KeyFailure, type ProviderDescription } from '@tollgate/providers';
import type { Span } from '@opentelemetry/api';
import { NO_SPAN, SpanKind, inSpan, startSpan, tracingActive } from '../telemetry/gateway-tracer';
import type { Dispatcher } from 'undici';
import { withBufferedBody } from '../upstream/buffered-response';
import { readUpstreamBody } from '../upstream/upstream-body.reader';
import type { UpstreamDialect } from '../upstream/upstream-dialect';
import { classifyTransportError, isAborted, type TransportFailure, type UpstreamAbortSignal, type UpstreamClient, type UpstreamResponse, type UpstreamTarget } from '../upstream/upstream.client';

/**
 * Where the upstream credential comes from for one request: the user's own key (sent with the request, or stored
 * in the gateway; for a stored user endpoint with a dispatcher pinned to its checked address), or the pool.
 */
export type CredentialPlan =
  | { kind: 'byok'; source: 'request' | 'stored'; credential: string; header: CredentialHeader; hint: string; dispatcher?: Dispatcher }
  | { kind: 'centralized' };

export function credentialSourceOf(plan: CredentialPlan): 'request' | 'stored' | 'pool' {
  return plan.kind === 'byok' ? plan.source : 'pool';
}

export interface AttemptRequest {
  target: UpstreamTarget;
  method: string;
  /** Client headers to forward, without any credential. */
  headers: Record<string, string>;
  body?: Buffer;
  signal: UpstreamAbortSignal;
  dispatcher?: Dispatcher;
}

export type AttemptResult =
  | { kind: 'response'; response: UpstreamResponse }
  | { kind: 'exhausted'; walker: KeyWalker }
  | { kind: 'transport'; failure: TransportFailure; error: Error }
  | { kind: 'aborted' };

export interface AttemptSummary {
  /** Hint of the last key handed out (centralized) or of the client's key (BYOK). */
  hint: string;
  handedOut: number;
}

const ABORTED: AttemptResult = { kind: 'aborted' };

/** Where attempts are reported: one observation per attempt (provider, route, status or failure, seconds). */
export interface UpstreamAttemptMetrics {
  upstreamAttempted(provider: string, route: string, status: string, seconds: number): void;
}

/** One upstream call and who it is for: everything `sendWithFailover` needs. */
export interface FailoverCall {
  client: UpstreamClient;
  provider: { keys: KeySource; config: { name: string }; description: ProviderDescription; dialect?: UpstreamDialect };
  /** The route label of the attempts' metric: the bridged API, or `passthrough`. */
  route: string;
  plan: CredentialPlan;
  request: AttemptRequest;
  summary: AttemptSummary;
  metrics: UpstreamAttemptMetrics;
  /** The requested model, when known: a key denied it (a 403 naming it) is skipped for that model only. */
  model?: string;
}

/**
 * Sends one upstream call. BYOK: a single attempt with the client's credential. Centralized: a fresh walker over
 * the provider's keys; 429/401/403 fail over to the next valid key, anything else is the answer.
 */
export async function sendWithFailover(call: FailoverCall): Promise<AttemptResult> {
  const { provider, plan, request, summary } = call;
  const tracing = tracingActive();
  if (plan.kind === 'byok') {
    summary.hint = plan.hint;
    summary.handedOut = 1;
    const headers = provider.dialect
      ? await provider.dialect.authorize(request, request.method, plan.credential, true)
      : applyCredential(provider.description, request.headers, plan.credential, plan.header);
    const span = tracing ? attemptSpan(1, plan.hint) : NO_SPAN;
    const result = await sendOnce(call, { ...request, headers, dispatcher: plan.dispatcher }, span);
    endAttemptSpan(span, result);
    return result;
  }
  const walker = provider.keys.startWalk(call.model);
  for (let key = selectKey(walker, tracing); key !== undefined; key = selectKey(walker, tracing)) {
    summary.hint = walker.lastHint;
    summary.handedOut = walker.handedOut;
    // A dialect applies each key itself (a Bedrock key signs its own request); the await is on that path only.
    const headers = provider.dialect ? await provider.dialect.authorize(request, request.method, key.key, false) : applyCredential(provider.description, request.headers, key.key);
    const span = tracing ? attemptSpan(walker.handedOut, key.hint) : NO_SPAN;
    const result = await sendOnce(call, { ...request, headers }, span);
    // Only an error answer whose body the description reads (Gemini's 400 and 429) pays for the await.
    let keyFailure: KeyFailure | undefined;
    if (result.kind === 'response' && provider.description.keyFailureFromBody?.statuses.includes(result.response.statusCode)) {
      ({ response: result.response, failure: keyFailure } = await readKeyFailure(provider.description, result.response));
    }
    // Only a 403 pays for the await: the success path stays synchronous.
    const modelDenied = result.kind === 'response' && result.response.statusCode === 403 && (await deniesModel(call, walker, result.response));
    const failover =
      result.kind === 'response' &&
      walker.report(keyFailure?.status ?? result.response.statusCode, result.response.headers, modelDenied, keyFailure?.retryAfterMs) === 'failover';
    endAttemptSpan(span, result, walker);
    if (!failover || result.kind !== 'response') return result;
    // The failed answer is not relayed; release the connection for reuse and try the next key.
    await result.response.body.dump().catch(() => undefined);
  }
  return { kind: 'exhausted', walker };
}

/** An error body read to classify it is at most this long (Google's error bodies are a few hundred bytes). */
const KEY_FAILURE_BODY_LIMIT = 64 * 1024;

/**
 * How the key pool should take an error answer, from its body (`keyFailureFromBody`); the answer comes back with that
 * body readable again, since it is relayed if it does not fail over. An unreadable body keeps its status.
 */
async function readKeyFailure(description: ProviderDescription, response: UpstreamResponse): Promise<{ response: UpstreamResponse; failure: KeyFailure }> {
  try {
    const body = await readUpstreamBody(response, KEY_FAILURE_BODY_LIMIT);
    return { response: withBufferedBody(response, body), failure: description.keyFailureFromBody!.read(response.statusCode, body) };
  } catch {
    return { response: withBufferedBody(response, Buffer.alloc(0)), failure: { status: response.statusCode } };
  }
}

/**
 * Whether a 403 says this key may not use the requested model. Its body is read only when the 403 fails over
 * anyway (it is never relayed then); a body that cannot be read counts as a key-level 403.
 */
async function deniesModel(call: FailoverCall, walker: KeyWalker, response: UpstreamResponse): Promise<boolean> {
  if (response.statusCode !== 403 || call.model === undefined || !walker.forbiddenFailsOver) return false;
  try {
    return isModelAccessDenial(call.provider.description, Buffer.from(await response.body.arrayBuffer()), call.model);
  } catch {
    return false;
  }
}

function selectKey(walker: KeyWalker, tracing: boolean): HandedOutKey | undefined {
  const key = walker.next();
  if (!tracing) return key;
  const span = startSpan('tollgate.keypool.select', SpanKind.INTERNAL, {});
  span.setAttributes(
    key
      ? { 'tollgate.key.position': key.position, 'tollgate.key.hint': key.hint, 'tollgate.keypool.outcome': 'selected' }
      : { 'tollgate.keypool.outcome': 'exhausted' },
  );
  span.end();
  return key;
}

/** The `tollgate.upstream` client span of one attempt. */
function attemptSpan(attempt: number, hint: string): Span {
  return startSpan('tollgate.upstream', SpanKind.CLIENT, { 'tollgate.attempt': attempt, 'tollgate.key.hint': hint });
}

/** Ends an attempt's span with its status code, or why there was none; a centralized key's transition, if any. */
function endAttemptSpan(span: Span, result: AttemptResult, walker?: KeyWalker): void {
  if (span === NO_SPAN) return;
  if (result.kind === 'response') {
    span.setAttribute('http.response.status_code', result.response.statusCode);
    if (walker?.lastTransition) span.setAttribute('tollgate.key.transition', `${walker.lastTransition.state}:${walker.lastTransition.reason}`);
  } else {
    span.setAttribute('error.type', result.kind === 'transport' ? result.failure : result.kind);
  }
  span.end();
}

/** One attempt, timed into the attempts' metric. */
async function sendOnce(call: FailoverCall, request: AttemptRequest, span: Span): Promise<AttemptResult> {
  if (isAborted(request.signal)) return ABORTED; // the client left before this attempt: an emitter does not fire twice
  const sentAt = performance.now();
  let result: AttemptResult;
  try {
    const response = await (span === NO_SPAN ? call.client.send(request) : inSpan(span, () => call.client.send(request)));
    result = { kind: 'response', response };
  } catch (error) {
    result = isAborted(request.signal) ? ABORTED : { kind: 'transport', failure: classifyTransportError(error) ?? 'connection', error: error as Error };
  }
  const status = result.kind === 'response' ? String(result.response.statusCode) : result.kind === 'transport' ? result.failure : result.kind;
  call.metrics.upstreamAttempted(call.provider.config.name, call.route, status, (performance.now() - sentAt) / 1000);
  return result;
}
