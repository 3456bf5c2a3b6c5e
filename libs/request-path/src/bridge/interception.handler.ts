import { randomUUID } from 'node:crypto';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import {
  BRIDGED_API_TRAITS,
  azureDeploymentRequest,
  inspectRequest,
  observeBlocking,
  withIncludeUsage,
  type AzureDeploymentForm,
  type JsonObject,
} from '@tollgate/providers';
import { applyPromptPolicy, type EventBatchProducer, type InterceptionStarted } from '@tollgate/recording';
import { isBreakerFailure, type CircuitBreakers } from '../circuit/circuit-breakers';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import { ClientConnection } from '../http/client-connection';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import type { UpstreamClient } from '../upstream/upstream.client';
import { clientNameFromUserAgent } from './client-name';
import { upstreamErrorSummary } from './failure-mapping';
import { ClientAnswer } from './client-answer';
import { relayStream } from './stream-relay';
import { credentialSourceOf, type AttemptSummary } from './upstream-attempts';
import { CLIENT_DISCONNECTED, readOrAnswer, sendBridged } from './upstream-exchange';
import type { BridgedRequest } from './bridged-request';
import { outcomeFromObservation, withError, type Outcome } from './interception-outcome';
import type { AgenticLoop } from './agentic-loop';
import { budgetEndingOf } from './budget-ending';
import type { StoredObjectOwners } from '../stored-objects/stored-object.owners';
import { referencedStoredObjects } from '../stored-objects/referenced-stored-objects';
import { mcpToolsAllowed } from '../mcp/mcp-credential.policy';
import { modelRefusal } from '../access/model-access.gate';
import { NO_SPAN, SpanKind, failSpan, inSpan, startSpan, traceCarrier, tracingActive } from '../telemetry/gateway-tracer';
import type { Span } from '@opentelemetry/api';
import type { AliasTarget, ModelAlias } from '../routing/model-aliases';
import { AliasRoute } from './alias-route';

export type { BridgedRequest } from './bridged-request';

type Inspection = Extract<ReturnType<typeof inspectRequest>, { ok: true }>;

/**
 * One bridged request = one interception: validate, record `started`, call upstream (with failover for
 * centralized keys), relay the answer blocking or streaming, record `ended`. Recording appends the events to the
 * producer's batch; the request waits for nothing unless `recording.startedAck` is `queued`.
 */
export class InterceptionHandler {
  constructor(
    private readonly config: TollgateConfig,
    private readonly client: UpstreamClient,
    private readonly recording: EventBatchProducer,
    private readonly breakers: CircuitBreakers,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly storedObjectOwners: StoredObjectOwners,
    /** The server-side tool loop, when MCP servers are configured. */
    private readonly agentic?: AgenticLoop,
  ) {}

  /** Validates the body, then runs the interception, inside its span when tracing is on. */
  handle(clientRequest: BridgedRequest): Promise<void> {
    const { provider, api, out } = clientRequest;
    const interceptionId = randomUUID();
    const inspection = inspectRequest(api, clientRequest.body, clientRequest.fromPath);
    if (!inspection.ok) {
      writeGatewayError(out, provider.description, new GatewayError('bad_request', inspection.reason), { 'x-tollgate-interception-id': interceptionId });
      return Promise.resolve();
    }
    const request = provider.azureDeployments ? toAzureDeployment(clientRequest, provider.azureDeployments, inspection) : clientRequest;
    // The one look-up a request pays for aliases; only a request naming one goes further.
    const alias = request.aliases.find(inspection.model, provider.config.type);
    if (!tracingActive()) return this.intercept(request, inspection, interceptionId, NO_SPAN, alias);
    const span = startSpan('tollgate.interception', SpanKind.INTERNAL, {
      'tollgate.interception.id': interceptionId,
      'tollgate.provider.name': provider.config.name,
      'tollgate.route': api,
      'tollgate.credential.kind': request.plan.kind,
      'tollgate.user.id': request.principal.userId,
      'tollgate.stream': inspection.stream,
      'gen_ai.operation.name': BRIDGED_API_TRAITS[api].operation,
      'gen_ai.provider.name': provider.description.genAiProviderName,
      'gen_ai.request.model': inspection.model,
    });
    const upstreamModel = provider.dialect?.upstreamModel(inspection.model);
    if (upstreamModel !== undefined) span.setAttribute('tollgate.upstream.model', upstreamModel);
    if (alias) span.setAttribute('tollgate.alias', alias.name);
    return inSpan(span, () => this.intercept(request, inspection, interceptionId, span, alias));
  }

  private async intercept(
    request: BridgedRequest,
    inspection: Inspection,
    interceptionId: string,
    span: Span,
    alias: ModelAlias | undefined,
  ): Promise<void> {
    const { provider, api, out } = request;
    const providerType = provider.config.type;
    const idHeader = { 'x-tollgate-interception-id': interceptionId };
    const admission = this.recording.admit();
    if (admission === 'refused') {
      writeGatewayError(out, provider.description, recordingUnavailable('its recording backlog is full'), idHeader);
      failSpan(span, 'recording_unavailable');
      span.end();
      return;
    }
    // Both events carry the interception's trace context: the recorder's spans join this trace.
    const trace = traceCarrier(span);
    // An alias is recorded as asked for; provider and model are its first target's until the end names who served.
    const firstTarget = alias?.targets[0];
    const started: InterceptionStarted = {
      name: 'interception.started',
      schemaVersion: 1,
      interceptionId,
      occurredAt: new Date().toISOString(),
      trace,
      initiatorId: request.principal.userId,
      providerType,
      providerName: firstTarget ? firstTarget.provider.config.name : provider.config.name,
      model: firstTarget ? firstTarget.model : inspection.model,
      requestedModel: alias?.name,
      streaming: inspection.stream,
      client: clientNameFromUserAgent(request.userAgent),
      userAgent: request.userAgent,
      credentialKind: request.plan.kind,
      credentialSource: credentialSourceOf(request.plan),
      credentialHint: request.plan.kind === 'byok' ? request.plan.hint : '',
      // A dialect's upstream model (the Bedrock model id) is kept beside the model the client asked for.
      metadata: provider.dialect ? { api, upstreamModel: provider.dialect.upstreamModel(inspection.model) ?? null } : { api },
    };
    const summary: AttemptSummary = { hint: '', handedOut: 0 };
    let outcome: Outcome | undefined;
    // Built only for an alias: the targets it walks and the one that served.
    const route = alias ? this.aliasRoute(request, alias, interceptionId) : undefined;
    try {
      let recorded = true;
      if (this.config.recording.startedAck === 'none') this.recording.add(started, admission);
      else recorded = await this.startedAccepted(started, admission);
      if (recorded) {
        outcome = await this.serve(request, inspection, summary, idHeader, interceptionId, route);
      } else {
        const error = recordingUnavailable('the recording queue did not accept the request');
        writeGatewayError(out, provider.description, error, idHeader);
        outcome = withError(error.kind, error.message);
      }
    } finally {
      outcome ??= withError('internal', 'the interception ended unexpectedly');
      this.finishSpan(span, outcome);
      const endedAt = new Date().toISOString();
      this.recording.add(
        applyPromptPolicy(
          {
            name: 'interception.ended',
            schemaVersion: 1,
            interceptionId,
            occurredAt: endedAt,
            trace,
            endedAt,
            credentialHint: summary.hint,
            served: route ? { providerName: route.served.provider.config.name, model: route.served.model } : undefined,
            error: outcome.error,
            tokenUsages: outcome.tokenUsages,
            toolUsages: outcome.toolUsages,
            prompt:
              inspection.lastUserPrompt === undefined
                ? undefined
                : { providerResponseId: outcome.responseId ?? '', text: inspection.lastUserPrompt },
          },
          this.config.recording.prompts,
        ),
        admission,
      );
      span.end();
      const servingProvider = route ? route.served.provider.config.name : provider.config.name;
      this.metrics.interceptionCompleted(servingProvider, api, route ? route.served.model : inspection.model, request.timing, outcome.tokenUsages);
    }
  }

  /**
   * `startedAck: queued`: waits until the batch holding `started` is accepted, and says false when it was not (unless
   * failurePolicy is open: then the request is served anyway; the event is delivered once the queue takes it).
   */
  private async startedAccepted(started: InterceptionStarted, admission: 'recorded' | 'dropped'): Promise<boolean> {
    try {
      await this.recording.addAndWaitAccepted(started, admission);
      return true;
    } catch (error) {
      if (this.config.recording.failurePolicy === 'open') {
        this.logger.warn({ err: error, interceptionId: started.interceptionId }, 'recording unavailable; serving anyway (failurePolicy: open)');
        return true;
      }
      this.logger.error({ err: error, interceptionId: started.interceptionId }, 'recording unavailable; refusing the request');
      return false;
    }
  }

  /**
   * After `started` (so a refused request is recorded like any other): the model policy, then the limits and the
   * budget (checked at once: one round trip), the circuit breaker, then the exchange, with any unexpected error
   * answered as a provider-shaped 500 (or the stream ended).
   */
  private async serve(
    request: BridgedRequest,
    inspection: Inspection,
    summary: AttemptSummary,
    interceptionHeader: Record<string, string>,
    interceptionId: string,
    route: AliasRoute | undefined,
  ): Promise<Outcome> {
    const { provider, api, out } = request;
    const refusal = modelRefusal(request.access, provider.config.name, inspection.model);
    if (refusal) {
      this.metrics.modelRefused(refusal.level);
      writeGatewayError(out, provider.description, refusal.error, interceptionHeader);
      return withError(refusal.error.kind, refusal.error.message);
    }
    if (route) {
      const targets = this.aliasTargets(request, route.alias);
      if (targets instanceof GatewayError) {
        writeGatewayError(out, provider.description, targets, interceptionHeader);
        return withError(targets.kind, targets.message);
      }
      route.useTargets(targets);
    }
    if (api === 'openai-responses' && request.plan.kind === 'centralized') {
      const foreign = await this.foreignReference(provider.config.name, inspection.body, request.principal.userId);
      if (foreign) {
        writeGatewayError(out, provider.description, foreign, interceptionHeader);
        return withError(foreign.kind, foreign.message);
      }
    }
    // Embeddings answers have no output tokens: none are reserved for them.
    const inputOnly = BRIDGED_API_TRAITS[api].operation === 'embeddings';
    const limitsChecked = request.limits?.admit({ parsed: inspection.body, bytes: request.body.length, inputOnly });
    const budgetModel = route ? route.served.model : inspection.model;
    const budget = request.budget ? await request.budget.admit(budgetModel, inspection.body, request.body.length, inputOnly) : undefined;
    const limits = await limitsChecked;
    // Every answer to a limited caller carries its rate-limit headers.
    const idHeader = limits ? { ...interceptionHeader, ...limits.headers } : interceptionHeader;
    if (limits && !limits.ok) {
      if (budget?.ok) void budget.hold.finish([], 'not_served');
      writeGatewayError(out, provider.description, limits.error, idHeader);
      return withError(limits.error.kind, limits.error.message);
    }
    if (budget && !budget.ok) {
      limits?.finish([], 'not_served');
      writeGatewayError(out, provider.description, budget.error, idHeader);
      return withError(budget.error.kind, budget.error.message);
    }
    // The breaker guards the pool: a user's own key or endpoint failing says nothing about it, and must not trip it for others.
    // An alias has a breaker per target, admitted as each target is tried (AliasRoute).
    const guardedByBreaker = this.config.circuitBreaker.enabled && request.plan.kind === 'centralized' && !route;
    const breakerKey = guardedByBreaker ? { provider: provider.config.name, route: api, model: inspection.model } : undefined;
    const breaker = breakerKey ? this.breakers.admit(breakerKey) : undefined;
    if (breaker && !breaker.admitted) {
      if (budget) void budget.hold.finish([], 'not_served');
      limits?.finish([], 'not_served');
      const error = new GatewayError('circuit_open', 'circuit breaker is open', breaker.retryAfterSeconds);
      writeGatewayError(out, provider.description, error, idHeader);
      return withError(error.kind, error.message);
    }

    // Who created a stored response, recorded as soon as its id is known (a streamed one: before the client sees it).
    // `store: false` responses are not kept by the provider: nothing to own.
    const ownsResponse = api === 'openai-responses' && request.plan.kind === 'centralized' && inspection.body.store !== false;
    let ownedResponseId: string | undefined;
    const recordOwner = ownsResponse
      ? (responseId: string) => {
          ownedResponseId = responseId;
          // Through an alias, the response is stored in the account of the target that served it.
          const storedBy = route ? route.served.provider.config.name : provider.config.name;
          return this.recordResponseOwner(storedBy, responseId, request.principal.userId, interceptionId);
        }
      : undefined;
    let outcome: Outcome;
    try {
      const connection = new ClientConnection(out);
      const agenticPlan = mcpToolsAllowed(request.plan, this.config.mcp) ? this.agentic?.plan(api, request.body, inspection.stream) : undefined;
      if (this.agentic && agenticPlan) {
        const model = route ? route.served.model : inspection.model;
        outcome = await this.agentic.run(request, agenticPlan, { model, streaming: inspection.stream, connection, summary, idHeader, route });
      } else {
        const body = api === 'openai-chat' && inspection.stream ? withIncludeUsage(request.body, inspection.body) : request.body;
        outcome = await this.exchange(request, inspection, body, connection, summary, idHeader, recordOwner, route);
      }
    } catch (error) {
      this.logger.error({ err: error, interceptionId }, 'interception failed unexpectedly');
      if (!out.headersSent) writeGatewayError(out, provider.description, new GatewayError('internal', 'internal gateway error'), idHeader);
      else if (!out.writableEnded) out.end();
      outcome = withError('internal', (error as Error).message);
    }

    if (recordOwner && outcome.responseId && outcome.responseId !== ownedResponseId) await recordOwner(outcome.responseId);
    if (breakerKey && breaker) this.breakers.report(breakerKey, out.headersSent && isBreakerFailure(provider.description, out.statusCode), breaker.trial);
    route?.reportServed(out.headersSent ? out.statusCode : undefined);
    const servingProvider = route ? route.served.provider.config.name : provider.config.name;
    if (request.plan.kind === 'centralized') this.metrics.observeFailoverAttempts(servingProvider, summary.handedOut);
    const ending = budgetEndingOf(outcome, out.headersSent && out.statusCode < 300);
    if (budget) void budget.hold.finish(outcome.tokenUsages, ending, route ? { providerName: servingProvider, model: route.served.model } : undefined);
    limits?.finish(outcome.tokenUsages, ending);
    return outcome;
  }

  private aliasRoute(request: BridgedRequest, alias: ModelAlias, interceptionId: string): AliasRoute {
    const deps = { config: this.config, client: this.client, breakers: this.breakers, metrics: this.metrics, logger: this.logger };
    return new AliasRoute(deps, request, alias, interceptionId);
  }

  /**
   * The targets of an alias this caller may use: those every model policy allows (deny wins: a target it may not
   * use is skipped), and for a user's own key only the first target, which must be the provider the key was sent
   * to (the key belongs to that provider's account). A refusal when none is left.
   */
  private aliasTargets(request: BridgedRequest, alias: ModelAlias): readonly AliasTarget[] | GatewayError {
    const { provider, access } = request;
    if (request.plan.kind === 'byok') {
      const first = alias.targets[0];
      if (first.provider !== provider) {
        return new GatewayError(
          'bad_request',
          `model alias '${alias.name}' is served first by provider '${first.provider.config.name}'; a request with your own provider key names an alias only on that provider's routes`,
        );
      }
      const refusal = modelRefusal(access, first.provider.config.name, first.model);
      if (refusal) this.metrics.modelRefused(refusal.level);
      return refusal ? refusal.error : [first];
    }
    if (access.modelPolicies.length === 0) return alias.targets;
    let firstRefusal: ReturnType<typeof modelRefusal>;
    const allowed: AliasTarget[] = [];
    for (const target of alias.targets) {
      const refusal = modelRefusal(access, target.provider.config.name, target.model);
      if (refusal) firstRefusal ??= refusal;
      else allowed.push(target);
    }
    if (allowed.length > 0) return allowed;
    this.metrics.modelRefused(firstRefusal!.level);
    return new GatewayError('model_not_allowed', `no target of model alias '${alias.name}' is allowed: ${firstRefusal!.error.message}`);
  }

  /** A stored object the request builds on that is not the caller's (docs/http-api.md), as the 404 to answer. */
  private async foreignReference(providerName: string, body: JsonObject, userId: string): Promise<GatewayError | undefined> {
    for (const { kind, id } of referencedStoredObjects(body)) {
      if ((await this.storedObjectOwners.ownerOf(providerName, kind, id)) !== userId) return new GatewayError('not_found', `no ${kind} found with id '${id}'`);
    }
    return undefined;
  }

  /** The pool account stores the response: from now on only its creator reaches it through the gateway. */
  private async recordResponseOwner(providerName: string, responseId: string, userId: string, interceptionId: string): Promise<void> {
    try {
      await this.storedObjectOwners.record(providerName, 'response', responseId, userId);
    } catch (error) {
      this.logger.warn({ err: error, interceptionId, provider: providerName }, 'could not record the owner of a stored response; it will answer 404');
    }
  }

  private finishSpan(span: Span, outcome: Outcome): void {
    if (span === NO_SPAN) return;
    if (outcome.responseModel) span.setAttribute('gen_ai.response.model', outcome.responseModel);
    let input = 0;
    let output = 0;
    for (const usage of outcome.tokenUsages) {
      input += usage.inputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens;
      output += usage.outputTokens;
    }
    if (outcome.tokenUsages.length > 0) span.setAttributes({ 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output });
    if (outcome.error) failSpan(span, outcome.error.type);
  }

  private async exchange(
    request: BridgedRequest,
    { stream: streaming, model }: Inspection,
    body: Buffer,
    connection: ClientConnection,
    summary: AttemptSummary,
    idHeader: Record<string, string>,
    onResponseCreated?: (responseId: string) => Promise<void>,
    route?: AliasRoute,
  ): Promise<Outcome> {
    const { server } = this.config;
    const answer = new ClientAnswer(request, idHeader, server.anthropicPingIntervalMs);
    const answerError = (error: GatewayError) => answer.error(error);
    const sent = route
      ? await route.send(body, connection, summary, answerError)
      : await sendBridged({ client: this.client, metrics: this.metrics, request, connection, summary, model }, body, answerError);
    if (!sent.ok) return withError(sent.failure.type, sent.failure.message);

    const upstream = sent.response;
    if (streaming && upstream.statusCode < 300) {
      const relay = await relayStream(request.api, upstream, answer.openStream(upstream), connection, server.upstream.maxEventBytes, onResponseCreated);
      const outcome = outcomeFromObservation(relay.observation);
      if (relay.clientDisconnected) return { ...outcome, error: CLIENT_DISCONNECTED };
      if (relay.failure) return { ...outcome, error: relay.failure };
      if (relay.observation.error) return { ...outcome, error: relay.observation.error };
      return outcome;
    }

    const read = await readOrAnswer(upstream, server.upstream.maxResponseBytes, connection, answerError);
    if (!read.ok) return withError(read.failure.type, read.failure.message);
    answer.blocking(upstream, read.body);

    if (upstream.statusCode >= 400) return withError('upstream_error', upstreamErrorSummary(upstream.statusCode, read.body));
    const parsed = parseJson(read.body);
    return parsed === undefined ? { tokenUsages: [], toolUsages: [] } : outcomeFromObservation(observeBlocking(request.api, parsed));
  }
}

/**
 * The request as Azure's classic form takes it (`azureDeploymentRequest`): recorded, limited and priced under the
 * model the client named.
 */
function toAzureDeployment(request: BridgedRequest, form: AzureDeploymentForm, inspection: Inspection): BridgedRequest {
  const { provider } = request;
  const { path, body } = azureDeploymentRequest(provider.upstreamBase, form, request.routePath, inspection.model, request.body);
  return { ...request, upstream: { origin: provider.upstreamBase.origin, path }, body };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function recordingUnavailable(why: string): GatewayError {
  return new GatewayError('recording_unavailable', `the gateway cannot record this request right now (${why}); try again shortly`, 1);
}
