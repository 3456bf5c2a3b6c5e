import type { KeyWalker } from '@tollgate/keypool';
import type { CredentialHeader } from '@tollgate/providers';
import { classifyTransportError, type TransportFailure, type UpstreamClient, type UpstreamResponse } from '../upstream/upstream.client';
import type { ProviderRuntime } from '../keys/provider-runtime';

/** Where the upstream credential comes from for one request. */
export type CredentialPlan =
  | { kind: 'byok'; credential: string; header: CredentialHeader; hint: string }
  | { kind: 'centralized' };

export interface AttemptRequest {
  url: URL;
  method: string;
  /** Client headers to forward, without any credential. */
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
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
 * the provider's pool; 429/401/403 fail over to the next valid key, anything else is the answer.
 */
export async function sendWithFailover(
  client: UpstreamClient,
  provider: ProviderRuntime,
  plan: CredentialPlan,
  request: AttemptRequest,
  applyCredential: ApplyCredential,
  summary: AttemptSummary,
): Promise<AttemptResult> {
  if (plan.kind === 'byok') {
    summary.hint = plan.hint;
    summary.handedOut = 1;
    return sendOnce(client, { ...request, headers: applyCredential(request.headers, plan.credential, plan.header) });
  }
  const walker = provider.pool.startWalk();
  for (let key = walker.next(); key !== undefined; key = walker.next()) {
    summary.hint = walker.lastHint;
    summary.handedOut = walker.handedOut;
    const result = await sendOnce(client, { ...request, headers: applyCredential(request.headers, key.key) });
    if (result.kind !== 'response') return result;
    if (walker.report(result.response.statusCode, result.response.headers) === 'final') return result;
    // The failed answer is not relayed; release the connection for reuse and try the next key.
    await result.response.body.dump().catch(() => undefined);
  }
  return { kind: 'exhausted', walker };
}

async function sendOnce(client: UpstreamClient, request: AttemptRequest): Promise<AttemptResult> {
  try {
    return { kind: 'response', response: await client.send(request) };
  } catch (error) {
    if (request.signal.aborted) return { kind: 'aborted' };
    return { kind: 'transport', failure: classifyTransportError(error) ?? 'connection', error: error as Error };
  }
}
