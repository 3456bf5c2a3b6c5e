import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import {
  SseParser,
  assistantTurnOf,
  continuationOf,
  createStreamMerger,
  createStreamObserver,
  errorShapeFor,
  injectTools,
  isJsonObject,
  parseJsonObject,
  observeBlocking,
  parseKeepingNumbers,
  sseErrorEvent,
  sumUsage,
  type BridgedApi,
  type JsonObject,
  type StreamMerger,
  type StreamObservation,
  type ToolCall,
  type ToolResult,
} from '@tollgate/providers';
import type { ToolUsage } from '@tollgate/recording';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import type { ClientConnection } from '../http/client-connection';
import { relayedResponseHeaders, withEventStreamHeaders } from '../http/relayed-headers';
import type { CatalogueTool, McpToolCatalogue } from '../mcp/mcp-tool.catalogue';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { SpanKind, failSpan, inSpan, startSpan } from '../telemetry/gateway-tracer';
import type { UpstreamClient, UpstreamResponse } from '../upstream/upstream.client';
import { UpstreamResponseTooLarge, readUpstreamBody } from '../upstream/upstream-body.reader';
import { ANTHROPIC_PING, streamFailureEvent, upstreamStreamFailure } from './stream-relay';
import type { BridgedRequest } from './bridged-request';
import { exhaustionError, transportError, upstreamErrorSummary } from './failure-mapping';
import type { Outcome } from './interception-outcome';
import { sendWithFailover, type AttemptResult, type AttemptSummary } from './upstream-attempts';

const RECORDED_ERROR_CHARS = 1000;

/** The request as it goes upstream with the injected tools, and those tools by injected name. */
export interface AgenticPlan {
  body: JsonObject;
  tools: ReadonlyMap<string, CatalogueTool>;
}

export interface AgenticDependencies {
  config: TollgateConfig;
  catalogue: McpToolCatalogue;
  client: UpstreamClient;
  metrics: GatewayMetrics;
  logger: Logger;
}

export interface AgenticContext {
  model: string;
  streaming: boolean;
  connection: ClientConnection;
  summary: AttemptSummary;
  idHeader: Record<string, string>;
}

/**
 * The server-side tool loop (docs/mcp.md): the request goes upstream with the MCP tools injected; while the answer
 * calls only injected tools, the gateway runs them and sends the conversation back up, each upstream call with a
 * fresh key walker. The client sees one answer (or one stream) with the usage of every iteration.
 */
export class AgenticLoop {
  constructor(private readonly deps: AgenticDependencies) {}

  /** The injected request, or undefined when there is nothing to inject (no tools, or `tool_choice` "none"). */
  plan(api: BridgedApi, rawBody: Buffer, streaming: boolean): AgenticPlan | undefined {
    const tools = this.deps.catalogue.tools();
    if (tools.length === 0) return undefined;
    const parsed = parseKeepingNumbers(rawBody);
    const body = parsed && injectTools(api, parsed, tools);
    if (!body) return undefined;
    if (api === 'openai-chat' && streaming) {
      const options = body.stream_options;
      body.stream_options = { ...(isJsonObject(options) ? options : {}), include_usage: true };
    }
    return { body, tools: new Map(tools.map((tool) => [tool.name, tool])) };
  }

  run(request: BridgedRequest, plan: AgenticPlan, context: AgenticContext): Promise<Outcome> {
    const run = new AgenticRun(this.deps, request, plan, context);
    return context.streaming ? run.streaming() : run.blocking();
  }
}

/** One interception's loop: its state is the conversation so far and what it has recorded. */
class AgenticRun {
  private readonly record: Outcome = { tokenUsages: [], toolUsages: [] };
  private readonly out: ServerResponse;
  private readonly api: BridgedApi;
  private body: JsonObject;
  private streamOpen = false;
  private ping?: NodeJS.Timeout;
  private readonly config: TollgateConfig;

  constructor(
    private readonly deps: AgenticDependencies,
    private readonly request: BridgedRequest,
    private readonly plan: AgenticPlan,
    private readonly context: AgenticContext,
  ) {
    this.config = deps.config;
    this.out = request.out;
    this.api = request.api;
    this.body = plan.body;
  }

  async blocking(): Promise<Outcome> {
    const providerUsages: JsonObject[] = [];
    for (let iteration = 1; ; iteration++) {
      const result = await this.send();
      if (result.kind !== 'response') return this.failWithoutAnswer(result);
      const upstream = result.response;
      let raw: Buffer;
      try {
        raw = await readUpstreamBody(upstream, this.config.server.upstream.maxResponseBytes);
      } catch (error) {
        if (this.context.connection.isDisconnected) return this.failed('client_disconnected', 'the client closed the connection');
        return this.answerError(error instanceof UpstreamResponseTooLarge ? error.toGatewayError() : transportError('connection', error as Error));
      }
      const answer = upstream.statusCode < 300 ? parseJsonObject(raw.toString('utf8')) : undefined;
      if (!answer) {
        this.writeBody(upstream, raw);
        return upstream.statusCode >= 300 ? this.failed('upstream_error', upstreamErrorSummary(upstream.statusCode, raw)) : this.record;
      }
      const observation = observeBlocking(this.api, answer);
      this.observe(observation);
      if (isJsonObject(answer.usage)) providerUsages.push(answer.usage);

      const injected = await this.nextStep(observation.toolCalls, iteration);
      if (injected === 'final') {
        if (iteration === 1) this.writeBody(upstream, raw);
        else this.writeBody(upstream, Buffer.from(JSON.stringify({ ...answer, usage: sumUsage(providerUsages) })));
        return this.record;
      }
      if (injected === 'exceeded') return this.answerError(this.maxIterationsError());
      this.body = continuationOf(this.api, this.body, assistantTurnOf(this.api, answer), injected);
    }
  }

  async streaming(): Promise<Outcome> {
    const merger = createStreamMerger(this.api, (name) => this.plan.tools.has(name));
    try {
      for (let iteration = 1; ; iteration++) {
        const result = await this.send();
        if (result.kind !== 'response') return this.failWithoutAnswer(result);
        const upstream = result.response;
        if (upstream.statusCode >= 300) return this.upstreamRefused(upstream);
        // Responses are buffered per iteration: the client's stream opens with the final one.
        if (this.api !== 'openai-responses') this.openStream(upstream);
        const pumped = await this.pump(upstream, merger);
        this.observe(pumped.observation);
        if (pumped.clientDisconnected) return this.failed('client_disconnected', 'the client closed the connection');
        if (pumped.failure || pumped.observation.error) {
          // Chat and Anthropic already relayed the upstream's error event; Responses flushes what it buffered.
          if (this.api === 'openai-responses') {
            this.openStream(upstream);
            await this.write(merger.finish());
          }
          if (pumped.failure) await this.write(streamFailureEvent(this.api, pumped.failure, pumped.observation));
          this.record.error = pumped.failure ?? pumped.observation.error;
          return this.record;
        }
        const injected = await this.nextStep(pumped.observation.toolCalls, iteration);
        if (injected === 'final') {
          this.openStream(upstream);
          await this.write(merger.finish());
          return this.record;
        }
        if (injected === 'exceeded') return this.answerError(this.maxIterationsError());
        this.body = continuationOf(this.api, this.body, merger.nextIteration(), injected);
      }
    } finally {
      if (this.ping) clearTimeout(this.ping);
      if (this.out.headersSent && !this.out.writableEnded) this.out.end();
    }
  }

  /**
   * What follows an answer: 'final' (no injected call, or a client tool call that ends the loop), 'exceeded' (the
   * iteration bound is reached), or the results of the injected calls, run now.
   */
  private async nextStep(calls: readonly ToolCall[], iteration: number): Promise<ToolResult[] | 'final' | 'exceeded'> {
    const injected = calls.filter((call) => this.plan.tools.has(call.name));
    const forClient = calls.filter((call) => !this.plan.tools.has(call.name));
    for (const call of forClient) this.record.toolUsages.push(toolUsage(call, false));
    if (injected.length === 0) return 'final';
    if (forClient.length > 0) {
      this.recordSkipped(injected, 'not run: the same answer calls a client tool, which ends the loop');
      return 'final';
    }
    if (iteration >= this.config.mcp.maxIterations) {
      this.recordSkipped(injected, `not run: mcp.maxIterations (${this.config.mcp.maxIterations}) reached`);
      return 'exceeded';
    }
    const results: ToolResult[] = [];
    for (const call of injected) results.push(await this.runTool(call));
    return results;
  }

  private async runTool(call: ToolCall): Promise<ToolResult> {
    const tool = this.plan.tools.get(call.name) as CatalogueTool;
    const span = startSpan('tollgate.mcp.tool_call', SpanKind.CLIENT, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': call.name,
      'gen_ai.tool.call.id': call.toolCallId,
      'tollgate.mcp.server': tool.server,
      'tollgate.mcp.tool': tool.serverToolName,
    });
    const args = parseArguments(call.arguments);
    const result =
      args === undefined
        ? { text: 'the tool call arguments are not a JSON object', isError: true }
        : await inSpan(span, () => this.deps.catalogue.invoke(tool, args, this.context.connection.abortSignal));
    if (result.isError) failSpan(span, 'tool_error');
    span.end();
    this.deps.metrics.injectedToolInvoked(this.request.provider.config.name, this.context.model, tool.server, tool.serverToolName);
    this.record.toolUsages.push({
      ...toolUsage(call, true),
      server: tool.server,
      ...(result.isError ? { invocationError: result.text.slice(0, RECORDED_ERROR_CHARS) } : {}),
    });
    return { callId: call.toolCallId, text: result.text, isError: result.isError };
  }

  private recordSkipped(calls: readonly ToolCall[], reason: string): void {
    for (const call of calls) {
      this.record.toolUsages.push({ ...toolUsage(call, true), server: this.plan.tools.get(call.name)?.server, invocationError: reason });
    }
  }

  /** One upstream call of the loop, with a fresh key walker (centralized) or the user's key (BYOK). */
  private send(): Promise<AttemptResult> {
    const { provider } = this.request;
    return sendWithFailover({
      client: this.deps.client,
      provider,
      route: this.api,
      plan: this.request.plan,
      request: {
        target: this.request.upstream,
        method: 'POST',
        headers: this.request.forwardHeaders,
        body: Buffer.from(JSON.stringify(this.body)),
        signal: this.context.connection,
      },
      summary: this.context.summary,
      metrics: this.deps.metrics,
      model: this.context.model,
    });
  }

  private observe(observation: StreamObservation): void {
    this.record.tokenUsages.push(...observation.tokenUsages);
    this.record.responseId = observation.responseId ?? this.record.responseId;
    this.record.responseModel = observation.model ?? this.record.responseModel;
  }

  private failWithoutAnswer(result: Exclude<AttemptResult, { kind: 'response' }>): Outcome {
    if (result.kind === 'aborted') return this.failed('client_disconnected', 'the client closed the connection');
    const error = result.kind === 'exhausted' ? exhaustionError(this.request.provider, result.walker) : transportError(result.failure, result.error);
    return this.answerError(error);
  }

  /** A gateway error: a provider-shaped answer, or one SSE error event when the client's stream is already open. */
  private answerError(error: GatewayError): Outcome {
    const providerType = this.request.provider.config.type;
    if (!this.out.headersSent) writeGatewayError(this.out, providerType, error, this.context.idHeader);
    else if (!this.out.writableEnded) {
      const shape = errorShapeFor(providerType, error.kind);
      this.out.write(sseErrorEvent(this.api, { type: shape.type, code: shape.code, message: error.message }));
    }
    return this.failed(error.kind, error.message);
  }

  /** An upstream error status: relayed as is while nothing was sent, else one SSE error event. */
  private async upstreamRefused(upstream: UpstreamResponse): Promise<Outcome> {
    const raw = await readUpstreamBody(upstream, this.config.server.upstream.maxResponseBytes).catch(() => Buffer.alloc(0));
    const summary = upstreamErrorSummary(upstream.statusCode, raw);
    if (!this.out.headersSent) this.writeBody(upstream, raw);
    else this.out.write(sseErrorEvent(this.api, { type: 'api_error', message: summary }));
    return this.failed('upstream_error', summary);
  }

  private failed(type: string, message: string): Outcome {
    this.record.error = { type, message };
    return this.record;
  }

  private maxIterationsError(): GatewayError {
    const bound = this.config.mcp.maxIterations;
    this.deps.logger.warn({ maxIterations: bound, provider: this.request.provider.config.name }, 'tool loop stopped at mcp.maxIterations');
    return new GatewayError('max_iterations_exceeded', `max_iterations_exceeded: the model still called tools after ${bound} iterations (mcp.maxIterations)`);
  }

  private writeBody(upstream: UpstreamResponse, body: Buffer): void {
    const headers = relayedResponseHeaders(upstream.headers, this.context.idHeader, this.request.plan.kind === 'centralized');
    headers['content-length'] = body.length;
    this.request.timing.markFirstByte();
    this.out.writeHead(upstream.statusCode, headers);
    this.out.end(body);
  }

  private openStream(upstream: UpstreamResponse): void {
    if (this.streamOpen) return;
    this.streamOpen = true;
    this.out.writeHead(upstream.statusCode, withEventStreamHeaders(relayedResponseHeaders(upstream.headers, this.context.idHeader, this.request.plan.kind === 'centralized')));
    this.out.flushHeaders();
    this.request.timing.markFirstByte();
    if (this.api === 'anthropic-messages') {
      // Pings keep the stream alive through upstream silence and through tool calls.
      const interval = this.config.server.anthropicPingIntervalMs;
      const sendPing = (): void => {
        if (!this.out.writableEnded) this.out.write(ANTHROPIC_PING);
        this.ping?.refresh();
      };
      this.ping = setTimeout(sendPing, interval);
    }
  }

  private async write(text: string): Promise<void> {
    if (text === '' || this.out.writableEnded) return;
    this.ping?.refresh();
    if (!this.out.write(text)) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }

  /** Reads one iteration's stream, passing every event through the merger to the client. */
  private async pump(
    upstream: UpstreamResponse,
    merger: StreamMerger,
  ): Promise<{ observation: StreamObservation; failure?: { type: string; message: string }; clientDisconnected: boolean }> {
    const parser = new SseParser(this.config.server.upstream.maxEventBytes);
    const observer = createStreamObserver(this.api);
    let failure: { type: string; message: string } | undefined;
    try {
      for await (const chunk of upstream.body) {
        for (const event of parser.push(chunk)) {
          observer.onEvent(event);
          await this.write(merger.push(event));
        }
      }
      for (const event of parser.end()) {
        observer.onEvent(event);
        await this.write(merger.push(event));
      }
    } catch (error) {
      if (!this.context.connection.isDisconnected) {
        failure = upstreamStreamFailure(error);
      }
    }
    return { observation: observer.result(), failure, clientDisconnected: this.context.connection.isDisconnected };
  }
}

function toolUsage(call: ToolCall, injected: boolean): ToolUsage {
  return { providerResponseId: call.providerResponseId, tool: call.name, toolCallId: call.toolCallId, input: call.arguments, injected };
}

/** A tool call's arguments: '' is no arguments; anything but a JSON object is refused. */
function parseArguments(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  return parseJsonObject(text);
}
