import type { RouteMatch } from '@tollgate/providers';
import type { GatewayError } from '../errors/gateway-error';
import type { UpstreamResponse, UpstreamTarget } from './upstream.client';

/** One upstream call as the client asked for it, or as a dialect rewrote it. */
export interface DialectCall {
  target: UpstreamTarget;
  headers: Record<string, string>;
  body?: Buffer;
}

/** What a dialect makes of a passthrough route: an answer of its own, a rewritten call, or a refusal. */
export type DialectPassthrough =
  | { kind: 'answer'; status: number; body: Buffer }
  | { kind: 'call'; call: DialectCall; rewriteAnswer: (body: Buffer) => Buffer }
  | { kind: 'refused'; error: GatewayError };

/**
 * How one provider instance talks to an upstream that is not the provider's own API (Claude on Bedrock): the
 * client keeps speaking the provider's API, and the dialect rewrites each upstream call (target, headers, body), sets
 * each attempt's credential (it may sign the request), and turns the upstream's answer back into the provider's API.
 * A provider instance without one (`ProviderRuntime.dialect` undefined) goes to the provider's own API, as it is.
 */
export interface UpstreamDialect {
  /** For logs and spans: `bedrock`. */
  readonly name: string;
  /** The model the upstream is asked for (a Bedrock model id), recorded beside the client's; undefined: refused. */
  upstreamModel(model: string): string | undefined;
  /** The printable stand-in of a pool entry (never any part of a secret it holds). */
  hintOf(entry: string): string;
  /** A bridged call as the upstream takes it, or the client's error when it cannot go (nothing went upstream). */
  bridgedCall(call: DialectCall, byokCredential: string | undefined): DialectCall | GatewayError;
  /** A passthrough route (model list, token count): answered here, rewritten, or refused. */
  passthrough(route: Extract<RouteMatch, { kind: 'passthrough' }>, call: DialectCall): DialectPassthrough;
  /** One attempt's headers with `credential` applied (a pool entry, or the client's own key when `byok`). */
  authorize(call: DialectCall, method: string, credential: string, byok: boolean): Promise<Record<string, string>>;
  /** The upstream's answer as the provider's clients expect it (same status). */
  translateResponse(response: UpstreamResponse): Promise<UpstreamResponse>;
}
