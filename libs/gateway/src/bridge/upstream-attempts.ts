import type { HandedOutKey, KeySource, KeyWalker } from '@tollgate/keypool';
import type { CredentialHeader } from '@tollgate/providers';
import { SpanKind, inSpan, startSpan } from '../telemetry/gateway-tracer';
import type { Dispatcher } from 'undici';
import { classifyTransportError, type TransportFailure, type UpstreamClient, type UpstreamResponse } from '../upstream/upstream.client';

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
  url: URL;
  method: string;
  /** Client headers to forward, without any credential. */
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
  dispatcher?: Dispatcher;
}

export type ApplyCredential = (headers: Record<string, string>, credential: string, header?: CredentialHeader) => Record<string, string>;

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

/**
 * Sends one upstream call. BYOK: a single attempt with the client's credential. Centralized: a fresh walker over
 * the provider's keys; 429/401/403 fail over to the next valid key, anything else is the answer.
 */
export async function sendWithFailover(
  client: UpstreamClient,
  keys: KeySource,
  plan: CredentialPlan,
  request: AttemptRequest,
  applyCredential: ApplyCredential,
  summary: AttemptSummary,
): Promise<AttemptResult> {
  if (plan.kind === 'byok') {
    summary.hint = plan.hint;
    summary.handedOut = 1;
    const headers = applyCredential(request.headers, plan.credential, plan.header);
    return (await tracedAttempt(client, { ...request, headers, dispatcher: plan.dispatcher }, 1, plan.hint)).result;
  }
  const walker = keys.startWalk();
  for (let key = selectKey(walker); key !== undefined; key = selectKey(walker)) {
    summary.hint = walker.lastHint;
    summary.handedOut = walker.handedOut;
    const headers = applyCredential(request.headers, key.key);
    const { result, failover } = await tracedAttempt(client, { ...request, headers }, walker.handedOut, key.hint, walker);
    if (!failover || result.kind !== 'response') return result;
    // The failed answer is not relayed; release the connection for reuse and try the next key.
    await result.response.body.dump().catch(() => undefined);
  }
  return { kind: 'exhausted', walker };
}

function selectKey(walker: KeyWalker): HandedOutKey | undefined {
  const span = startSpan('tollgate.keypool.select', SpanKind.INTERNAL, {});
  const key = walker.next();
  span.setAttributes(
    key
      ? { 'tollgate.key.position': key.position, 'tollgate.key.hint': key.hint, 'tollgate.keypool.outcome': 'selected' }
      : { 'tollgate.keypool.outcome': 'exhausted' },
  );
  span.end();
  return key;
}

/** One upstream attempt in a `tollgate.upstream` client span; a centralized answer is classified by the walker. */
async function tracedAttempt(
  client: UpstreamClient,
  request: AttemptRequest,
  attempt: number,
  hint: string,
  walker?: KeyWalker,
): Promise<{ result: AttemptResult; failover: boolean }> {
  const span = startSpan('tollgate.upstream', SpanKind.CLIENT, { 'tollgate.attempt': attempt, 'tollgate.key.hint': hint });
  try {
    const result = await inSpan(span, () => sendOnce(client, request));
    if (result.kind !== 'response') {
      span.setAttribute('error.type', result.kind === 'transport' ? result.failure : result.kind);
      return { result, failover: false };
    }
    span.setAttribute('http.response.status_code', result.response.statusCode);
    const failover = walker?.report(result.response.statusCode, result.response.headers) === 'failover';
    if (walker?.lastTransition) span.setAttribute('tollgate.key.transition', `${walker.lastTransition.state}:${walker.lastTransition.reason}`);
    return { result, failover };
  } finally {
    span.end();
  }
}

async function sendOnce(client: UpstreamClient, request: AttemptRequest): Promise<AttemptResult> {
  try {
    return { kind: 'response', response: await client.send(request) };
  } catch (error) {
    if (request.signal.aborted) return { kind: 'aborted' };
    return { kind: 'transport', failure: classifyTransportError(error) ?? 'connection', error: error as Error };
  }
}
