import { randomUUID } from 'node:crypto';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import {
  applyCredential,
  inspectRequest,
  observeBlocking,
  withIncludeUsage,
} from '@tollgate/providers';
import type { EventBatchProducer, InterceptionStarted } from '@tollgate/recording';
import type { BudgetHold } from '../budget/budget.guard';
import { isBreakerFailure, type CircuitBreakers } from '../circuit/circuit-breakers';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import { ClientConnection } from '../http/client-connection';
import { relayedResponseHeaders } from '../http/relayed-headers';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import type { UpstreamClient } from '../upstream/upstream.client';
import { clientNameFromUserAgent } from './client-name';
import { exhaustionError, transportError, upstreamErrorSummary } from './failure-mapping';
import { relayStream } from './stream-relay';
import { credentialSourceOf, sendWithFailover, type AttemptSummary } from './upstream-attempts';
import type { BridgedRequest } from './bridged-request';
import { outcomeFromObservation, withError, type Outcome } from './interception-outcome';
import type { AgenticLoop } from './agentic-loop';
import { SpanKind, failSpan, inSpan, startSpan, traceCarrier } from '../telemetry/gateway-tracer';
import type { Span } from '@opentelemetry/api';

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
    /** The server-side tool loop, when MCP servers are configured. */
    private readonly agentic?: AgenticLoop,
  ) {}

  async handle(request: BridgedRequest): Promise<void> {
    const { provider, api, out } = request;
    const providerType = provider.config.type;
    const interceptionId = randomUUID();
    const inspection = inspectRequest(api, request.body);
    if (!inspection.ok) {
      writeGatewayError(out, providerType, new GatewayError('bad_request', inspection.reason), { 'x-tollgate-interception-id': interceptionId });
      return;
    }
    const span = startSpan('tollgate.interception', SpanKind.INTERNAL, {
      'tollgate.interception.id': interceptionId,
      'tollgate.provider.name': provider.config.name,
      'tollgate.route': api,
      'tollgate.credential.kind': request.plan.kind,
      'tollgate.user.id': request.principal.userId,
      'tollgate.stream': inspection.stream,
      // All three bridged APIs are chat operations in the GenAI semantic conventions.
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': providerType,
      'gen_ai.request.model': inspection.model,
    });
    await inSpan(span, () => this.intercept(request, inspection, interceptionId, span));
  }

  private async intercept(
    request: BridgedRequest,
    inspection: Inspection,
    interceptionId: string,
    span: Span,
  ): Promise<void> {
    const { provider, api, out } = request;
    const providerType = provider.config.type;
    const idHeader = { 'x-tollgate-interception-id': interceptionId };
    const admission = this.recording.admit();
    if (admission === 'refused') {
      writeGatewayError(out, providerType, recordingUnavailable('its recording backlog is full'), idHeader);
      failSpan(span, 'recording_unavailable');
      span.end();
      return;
    }
    // Both events carry the interception's trace context: the recorder's spans join this trace.
    const trace = traceCarrier(span);
    const started: InterceptionStarted = {
      name: 'interception.started',
      schemaVersion: 1,
      interceptionId,
      occurredAt: new Date().toISOString(),
      trace,
      initiatorId: request.principal.userId,
      providerType,
      providerName: provider.config.name,
      model: inspection.model,
      streaming: inspection.stream,
      client: clientNameFromUserAgent(request.userAgent),
      userAgent: request.userAgent,
      credentialKind: request.plan.kind,
      credentialSource: credentialSourceOf(request.plan),
      credentialHint: request.plan.kind === 'byok' ? request.plan.hint : '',
      metadata: { api },
    };
    const summary: AttemptSummary = { hint: '', handedOut: 0 };
    let outcome: Outcome = withError('internal', 'the interception ended unexpectedly');
    try {
      if (await this.startRecording(started, admission)) {
        outcome = await this.serve(request, inspection, summary, idHeader, interceptionId);
      } else {
        const error = recordingUnavailable('the recording queue did not accept the request');
        writeGatewayError(out, providerType, error, idHeader);
        outcome = withError(error.kind, error.message);
      }
    } finally {
      this.finishSpan(span, outcome);
      const endedAt = new Date().toISOString();
      this.recording.add(
        {
          name: 'interception.ended',
          schemaVersion: 1,
          interceptionId,
          occurredAt: endedAt,
          trace,
          endedAt,
          credentialHint: summary.hint,
          error: outcome.error,
          tokenUsages: outcome.tokenUsages,
          toolUsages: outcome.toolUsages,
          prompt:
            inspection.lastUserPrompt === undefined
              ? undefined
              : { providerResponseId: outcome.responseId ?? '', text: inspection.lastUserPrompt },
        },
        admission,
      );
      span.end();
    }
  }

  /**
   * Hands `started` to the recording producer. With `startedAck: queued` waits until its batch is accepted and says
   * false when it was not (unless failurePolicy is open: then the request is served anyway, and the event is still
   * delivered once the queue takes it).
   */
  private async startRecording(started: InterceptionStarted, admission: 'recorded' | 'dropped'): Promise<boolean> {
    if (this.config.recording.startedAck === 'none') {
      this.recording.add(started, admission);
      return true;
    }
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

  /** The budget check, then the exchange. After `started`, so a request refused for its budget is recorded too. */
  private async serve(
    request: BridgedRequest,
    inspection: Inspection,
    summary: AttemptSummary,
    idHeader: Record<string, string>,
    interceptionId: string,
  ): Promise<Outcome> {
    const budget = request.budget ? await request.budget.admit(inspection.model, inspection.body, request.body.length) : undefined;
    if (budget && !budget.ok) {
      writeGatewayError(request.out, request.provider.config.type, budget.error, idHeader);
      return withError(budget.error.kind, budget.error.message);
    }
    const hold: BudgetHold | undefined = budget?.hold;
    const outcome = await this.exchangeThroughBreaker(request, inspection, summary, idHeader, interceptionId);
    void hold?.finish(outcome.tokenUsages);
    return outcome;
  }

  /** The exchange unless the circuit breaker is open; reports the result to the breaker. */
  private async exchangeThroughBreaker(
    request: BridgedRequest,
    inspection: Inspection,
    summary: AttemptSummary,
    idHeader: Record<string, string>,
    interceptionId: string,
  ): Promise<Outcome> {
    const { provider, api, out } = request;
    const providerType = provider.config.type;
    const breakerKey = { provider: provider.config.name, route: api, model: inspection.model };
    const admission = this.config.circuitBreaker.enabled ? this.breakers.admit(breakerKey) : { admitted: true as const, trial: false };
    if (!admission.admitted) {
      const error = new GatewayError('circuit_open', 'circuit breaker is open', admission.retryAfterSeconds);
      writeGatewayError(out, providerType, error, idHeader);
      return withError(error.kind, error.message);
    }
    const outcome = await this.exchangeGuarded(request, inspection, summary, idHeader, interceptionId);
    if (this.config.circuitBreaker.enabled) {
      this.breakers.report(breakerKey, out.headersSent && isBreakerFailure(providerType, out.statusCode), admission.trial);
    }
    if (request.plan.kind === 'centralized') this.metrics.observeFailoverAttempts(provider.config.name, summary.handedOut);
    return outcome;
  }

  /** The exchange, with any unexpected error answered as a provider-shaped 500 (or the stream ended). */
  private async exchangeGuarded(
    request: BridgedRequest,
    inspection: Inspection,
    summary: AttemptSummary,
    idHeader: Record<string, string>,
    interceptionId: string,
  ): Promise<Outcome> {
    const { out, api } = request;
    try {
      const agentic = this.agentic;
      const agenticPlan = agentic?.plan(api, request.body, inspection.stream);
      if (agentic && agenticPlan) {
        return await agentic.run(request, agenticPlan, { model: inspection.model, streaming: inspection.stream, connection: new ClientConnection(out), summary, idHeader });
      }
      const body = api === 'openai-chat' && inspection.stream ? withIncludeUsage(request.body, inspection.body) : request.body;
      return await this.exchange(request, inspection.stream, body, new ClientConnection(out), summary, idHeader);
    } catch (error) {
      this.logger.error({ err: error, interceptionId }, 'interception failed unexpectedly');
      if (!out.headersSent) writeGatewayError(out, request.provider.config.type, new GatewayError('internal', 'internal gateway error'), idHeader);
      else if (!out.writableEnded) out.end();
      return withError('internal', (error as Error).message);
    }
  }

  private finishSpan(span: Span, outcome: Outcome): void {
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
    streaming: boolean,
    body: Buffer,
    connection: ClientConnection,
    summary: AttemptSummary,
    idHeader: Record<string, string>,
  ): Promise<Outcome> {
    const { provider, api, out } = request;
    const providerType = provider.config.type;
    const result = await sendWithFailover(
      this.client,
      provider.keys,
      request.plan,
      { url: request.upstreamUrl, method: 'POST', headers: request.forwardHeaders, body, signal: connection.upstreamAbort.signal },
      (headers, credential, header) => applyCredential(providerType, headers, credential, header),
      summary,
    );

    if (result.kind === 'aborted') return withError('client_disconnected', 'the client closed the connection');
    if (result.kind === 'exhausted') {
      const error = exhaustionError(provider, result.walker);
      writeGatewayError(out, providerType, error, idHeader);
      return withError(error.kind, error.message);
    }
    if (result.kind === 'transport') {
      const error = transportError(result.failure);
      writeGatewayError(out, providerType, error, idHeader);
      return withError(error.kind, error.message);
    }

    const upstream = result.response;
    const headers = { ...relayedResponseHeaders(upstream.headers), ...idHeader };
    if (streaming && upstream.statusCode < 300) {
      const relay = await relayStream(api, upstream, out, headers, connection, this.config.server.anthropicPingIntervalMs);
      const outcome = outcomeFromObservation(relay.observation);
      if (relay.clientDisconnected) return { ...outcome, error: { type: 'client_disconnected', message: 'the client closed the connection' } };
      if (relay.failure) return { ...outcome, error: relay.failure };
      if (relay.observation.error) return { ...outcome, error: relay.observation.error };
      return outcome;
    }

    let responseBody: Buffer;
    try {
      responseBody = Buffer.from(await upstream.body.arrayBuffer());
    } catch (error) {
      if (connection.isDisconnected) return withError('client_disconnected', 'the client closed the connection');
      const gatewayError = transportError('connection', error as Error);
      writeGatewayError(out, providerType, gatewayError, idHeader);
      return withError(gatewayError.kind, gatewayError.message);
    }
    out.writeHead(upstream.statusCode, { ...headers, 'content-length': responseBody.length });
    out.end(responseBody);

    if (upstream.statusCode >= 400) return withError('upstream_error', upstreamErrorSummary(upstream.statusCode, responseBody));
    const parsed = parseJson(responseBody);
    return parsed === undefined ? { tokenUsages: [], toolUsages: [] } : outcomeFromObservation(observeBlocking(api, parsed));
  }
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
