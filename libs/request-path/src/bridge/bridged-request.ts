import type { ServerResponse } from 'node:http';
import type { CallerAccess } from '@tollgate/limits';
import type { BridgedApi, PathFacts, UpstreamBase } from '@tollgate/providers';
import type { GatewayPrincipal } from '../auth/gateway-token.registry';
import type { BudgetGate } from '../budget/budget.guard';
import type { LimitGate } from '../limits/limit.guard';
import type { ProviderRuntime } from '../keys/provider-runtime';
import type { RequestTiming } from '../http/request-timing';
import type { UpstreamTarget } from '../upstream/upstream.client';
import type { ModelAliases } from '../routing/model-aliases';
import type { CredentialPlan } from './upstream-attempts';

export interface BridgedRequest {
  provider: ProviderRuntime;
  api: BridgedApi;
  /** The route's path after the provider's prefix (`/chat/completions`), for a target that follows the body's model. */
  routePath: string;
  upstream: UpstreamTarget;
  /** What `upstream` was built from with `routePath` (the base URL, the query sent upstream): an alias target builds its own. */
  upstreamBase: UpstreamBase;
  query: string;
  /** The aliases of the configuration the request started with (`routing.aliases`). */
  aliases: ModelAliases;
  principal: GatewayPrincipal;
  /** The limits and model policies the caller is held to (resolved once, after authentication). */
  access: CallerAccess;
  plan: CredentialPlan;
  /** Client headers to forward (gateway token and, for centralized requests, client credentials removed). */
  forwardHeaders: Record<string, string>;
  userAgent: string;
  /** The model and streaming as the path and query say (Gemini); otherwise the body says them. */
  fromPath?: PathFacts;
  body: Buffer;
  out: ServerResponse;
  /** When the request arrived and when its answer started, for the latency metrics. */
  timing: RequestTiming;
  /** Set for centralized requests of a user with a budget: reserved before the upstream call, settled after. */
  budget?: BudgetGate;
  /** Set for a caller with limits that count for this request: admitted before the upstream call, finished after. */
  limits?: LimitGate;
}
