import type { Span } from '@opentelemetry/api';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import { azureBodyModel, azureDeploymentRequest, errorShapeFor, upstreamPathAndQuery } from '@tollgate/providers';
import { isBreakerFailure, type BreakerKey, type CircuitBreakers } from '../circuit/circuit-breakers';
import { GatewayError } from '../errors/gateway-error';
import type { ClientConnection } from '../http/client-connection';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { retarget, type AliasTarget, type ModelAlias, type RetargetedRequest } from '../routing/model-aliases';
import { NO_SPAN, SpanKind, failSpan, inSpan, startSpan, tracingActive } from '../telemetry/gateway-tracer';
import type { UpstreamClient } from '../upstream/upstream.client';
import type { BridgedRequest } from './bridged-request';
import type { AttemptSummary } from './upstream-attempts';
import { sendBridged, type AnswerError, type SentRequest } from './upstream-exchange';

/** Why an alias moved on to its next target (the `reason` label of `tollgate_alias_fallbacks_total`). */
export type FallbackReason = 'rate_limited' | 'keys_exhausted' | 'model_denied' | 'upstream_5xx' | 'connection' | 'timeout' | 'circuit_open';

export interface AliasRouteDependencies {
  config: TollgateConfig;
  client: UpstreamClient;
  breakers: CircuitBreakers;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** The breaker admission of the target that answered, reported once the answer is known. */
interface ServedBreaker {
  key: BreakerKey;
  trial: boolean;
}

/**
 * One interception's way through an alias (docs/providers.md, "Model aliases with fallback (`routing.aliases`)"): its targets in order, each with its own key
 * pool, breaker and base URL and the body's `model` replaced. The next target is tried when the current one answers
 * with no key left, a 5xx, no connection or an open breaker; all of that is known before a byte goes to the client.
 * Any other answer (a 2xx, a 4xx) is the client's. The last target's failure is the client's answer.
 */
export class AliasRoute {
  /** The target that answered, or the last one tried. */
  served: AliasTarget;
  /** `served`'s request: the one the answer is relayed (and the tool loop continues) with. */
  servedRequest: BridgedRequest;
  /** The body `model` `served` takes (an Azure deployment on the Responses API): the tool loop continues with it. */
  servedBodyModel: string;
  private servedBreaker?: ServedBreaker;
  /** The targets this caller may use, in order; for a user's own key only the first. */
  private targets: readonly AliasTarget[];

  constructor(
    private readonly deps: AliasRouteDependencies,
    private readonly request: BridgedRequest,
    readonly alias: ModelAlias,
    private readonly interceptionId: string,
  ) {
    this.targets = alias.targets;
    this.served = alias.targets[0];
    this.servedRequest = request;
    this.servedBodyModel = this.served.model;
  }

  /** Restricts the route to the targets the caller may use (model policies, a user's own key), at least one. */
  useTargets(targets: readonly AliasTarget[]): void {
    this.targets = targets;
    this.served = targets[0];
  }

  /** Sends `body` to the targets in turn, as `sendBridged`: a failure it returns has been answered already. */
  async send(body: Buffer, connection: ClientConnection, summary: AttemptSummary, answerError: AnswerError): Promise<SentRequest> {
    const { api } = this.request;
    const guarded = this.deps.config.circuitBreaker.enabled && this.request.plan.kind === 'centralized';
    for (let index = 0; index < this.targets.length; index++) {
      const target = this.targets[index];
      const next = this.targets[index + 1];
      this.served = target;
      const span = tracingActive() ? this.targetSpan(target, index + 1) : NO_SPAN;
      const breakerKey: BreakerKey | undefined = guarded ? { provider: target.provider.config.name, route: api, model: target.model } : undefined;
      const breaker = breakerKey && this.deps.breakers.admit(breakerKey);
      if (breaker && !breaker.admitted) {
        const error = new GatewayError('circuit_open', `circuit breaker is open for ${target.provider.config.name}/${target.model}`, breaker.retryAfterSeconds);
        this.endTarget(span, 'circuit_open');
        if (!next) return answered(error, answerError);
        this.fellBack(target, next, 'circuit_open');
        continue;
      }

      const trial = breaker?.admitted === true && breaker.trial;
      const retargeted = retarget(this.alias.family, { upstreamPath: this.request.routePath, body }, target.model);
      const { request, body: targetBody } = this.requestFor(target, retargeted);
      summary.hint = '';
      summary.handedOut = 0;
      let failure: GatewayError | undefined;
      const capture: AnswerError = (error) => {
        failure = error;
      };
      const exchange = { client: this.deps.client, metrics: this.deps.metrics, request, connection, summary, model: target.model };
      const send = () => sendBridged(exchange, targetBody, next ? capture : answerError);
      const sent = await (span === NO_SPAN ? send() : inSpan(span, send));
      if (sent.ok && sent.response.statusCode < 500) {
        this.serve(target, request, breakerKey, trial);
        this.endTarget(span, 'served', sent.response.statusCode);
        return sent;
      }
      if (!sent.ok && failure === undefined) {
        // The client left, or this was the last target and its failure has been answered.
        this.serve(target, request, breakerKey, trial);
        this.endTarget(span, sent.failure.type);
        return sent;
      }
      const status = sent.ok ? sent.response.statusCode : errorShapeFor(target.provider.description, (failure as GatewayError).kind).status;
      const reason = sent.ok ? 'upstream_5xx' : reasonOf(failure as GatewayError);
      if (!next) {
        // The last target's 5xx is the client's answer, relayed as is.
        this.serve(target, request, breakerKey, trial);
        this.endTarget(span, reason, status);
        return sent;
      }
      if (breakerKey) this.deps.breakers.report(breakerKey, isBreakerFailure(target.provider.description, status), trial);
      // The failed answer is not relayed; release the connection for reuse.
      if (sent.ok) await sent.response.body.dump().catch(() => undefined);
      this.endTarget(span, reason, status);
      this.fellBack(target, next, reason);
    }
    // Unreachable: the last target always returns above.
    return answered(new GatewayError('internal', 'alias has no target'), answerError);
  }

  /** Reports the served target's breaker with the client's answer, as a plain interception does. */
  reportServed(statusSent: number | undefined): void {
    if (!this.servedBreaker) return;
    const failed = statusSent !== undefined && isBreakerFailure(this.served.provider.description, statusSent);
    this.deps.breakers.report(this.servedBreaker.key, failed, this.servedBreaker.trial);
  }

  private serve(target: AliasTarget, request: BridgedRequest, key: BreakerKey | undefined, trial: boolean): void {
    this.served = target;
    this.servedRequest = request;
    this.servedBodyModel = bodyModelOf(target, request.routePath);
    this.servedBreaker = key ? { key, trial } : undefined;
  }

  /**
   * The request and body as `target` gets them: its provider and upstream URL, and what a direct request to that
   * provider would get (an Azure deployment's path, its Responses body model). A user's own key goes to the URL the
   * client chose (the first target is then the client's provider, possibly at the user's own endpoint).
   */
  private requestFor(target: AliasTarget, retargeted: RetargetedRequest): { request: BridgedRequest; body: Buffer } {
    const base = this.request.plan.kind === 'byok' ? this.request.upstreamBase : target.provider.upstreamBase;
    const routePath = retargeted.upstreamPath;
    const deployments = target.provider.azureDeployments;
    const { path, body } = deployments
      ? azureDeploymentRequest(base, deployments, routePath, target.model, retargeted.body, this.request.query)
      : { path: upstreamPathAndQuery(base, routePath, this.request.query), body: retargeted.body };
    const request = { ...this.request, provider: target.provider, upstream: { origin: base.origin, path }, upstreamBase: base, routePath };
    return { request, body };
  }

  private fellBack(from: AliasTarget, to: AliasTarget, reason: FallbackReason): void {
    const fromName = from.provider.config.name;
    const toName = to.provider.config.name;
    this.deps.metrics.aliasFellBack(this.alias.name, fromName, toName, reason);
    this.deps.logger.info(
      { interceptionId: this.interceptionId, alias: this.alias.name, from: `${fromName}/${from.model}`, to: `${toName}/${to.model}`, reason },
      'model alias fell back to its next target',
    );
  }

  private targetSpan(target: AliasTarget, position: number): Span {
    return startSpan('tollgate.alias.target', SpanKind.INTERNAL, {
      'tollgate.alias': this.alias.name,
      'tollgate.alias.target.position': position,
      'tollgate.provider.name': target.provider.config.name,
      'gen_ai.request.model': target.model,
    });
  }

  private endTarget(span: Span, outcome: string, status?: number): void {
    if (span === NO_SPAN) return;
    span.setAttribute('tollgate.alias.outcome', outcome);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (outcome !== 'served') failSpan(span, outcome);
    span.end();
  }
}

function reasonOf(error: GatewayError): FallbackReason {
  switch (error.kind) {
    case 'rate_limited':
      return 'rate_limited';
    case 'model_access_denied':
      return 'model_denied';
    case 'gateway_timeout':
      return 'timeout';
    case 'upstream_unavailable':
      return 'connection';
    default:
      return 'keys_exhausted';
  }
}

function answered(error: GatewayError, answerError: AnswerError): SentRequest {
  answerError(error);
  return { ok: false, failure: { type: error.kind, message: error.message } };
}

/** The body `model` a target takes: what a direct request to its provider sends (`azureBodyModel` on Azure's classic form). */
function bodyModelOf(target: AliasTarget, routePath: string): string {
  const deployments = target.provider.azureDeployments;
  return deployments ? azureBodyModel(deployments, routePath, target.model) : target.model;
}
