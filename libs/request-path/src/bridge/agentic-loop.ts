import type { Logger, TollgateConfig } from '@tollgate/platform';
import {
  assistantTurnOf,
  continuationOf,
  createStreamMerger,
  injectTools,
  isJsonObject,
  parseJsonObject,
  observeBlocking,
  parseKeepingNumbers,
  setIncludeUsage,
  sseErrorEvent,
  sumUsage,
  BRIDGED_API_TRAITS,
  type BridgedApi,
  type JsonObject,
  type StreamObservation,
  type ToolCall,
  type ToolResult,
} from '@tollgate/providers';
import type { ToolUsage } from '@tollgate/recording';
import { GatewayError } from '../errors/gateway-error';
import type { ClientConnection } from '../http/client-connection';
import type { CatalogueTool, McpToolCatalogue } from '../mcp/mcp-tool.catalogue';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { SpanKind, failSpan, inSpan, startSpan } from '../telemetry/gateway-tracer';
import type { UpstreamClient, UpstreamResponse } from '../upstream/upstream.client';
import { readUpstreamBody } from '../upstream/upstream-body.reader';
import { ClientAnswer } from './client-answer';
import { pumpStream, streamFailureEvent } from './stream-relay';
import type { BridgedRequest } from './bridged-request';
import { upstreamErrorSummary } from './failure-mapping';
import type { Outcome } from './interception-outcome';
import type { AttemptSummary } from './upstream-attempts';
import type { AliasRoute } from './alias-route';
import { CLIENT_DISCONNECTED, readOrAnswer, sendBridged, type BridgedExchange, type ExchangeFailure, type SentRequest } from './upstream-exchange';

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
  /** A model alias: the first iteration walks its targets; the continuations go to the one that served it. */
  route?: AliasRoute;
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
    if (tools.length === 0 || !BRIDGED_API_TRAITS[api].conversational) return undefined;
    const parsed = parseKeepingNumbers(rawBody);
    const body = parsed && injectTools(api, parsed, tools);
    if (!body) return undefined;
    if (api === 'openai-chat' && streaming) setIncludeUsage(body);
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
  private readonly api: BridgedApi;
  private body: JsonObject;
  private readonly config: TollgateConfig;
  private readonly answer: ClientAnswer;
  private exchange: BridgedExchange;
  /** The alias route until its first iteration has been served. */
  private route: AliasRoute | undefined;

  constructor(
    private readonly deps: AgenticDependencies,
    private readonly request: BridgedRequest,
    private readonly plan: AgenticPlan,
    private readonly context: AgenticContext,
  ) {
    this.config = deps.config;
    this.api = request.api;
    this.body = plan.body;
    this.answer = new ClientAnswer(request, context.idHeader, deps.config.server.anthropicPingIntervalMs);
    const { connection, summary, model } = context;
    this.exchange = { client: deps.client, metrics: deps.metrics, request, connection, summary, model };
    this.route = context.route;
  }

  async blocking(): Promise<Outcome> {
    const providerUsages: JsonObject[] = [];
    for (let iteration = 1; ; iteration++) {
      const sent = await this.send();
      if (!sent.ok) return this.failed(sent.failure);
      const upstream = sent.response;
      const read = await readOrAnswer(upstream, this.config.server.upstream.maxResponseBytes, this.context.connection, this.answerError);
      if (!read.ok) return this.failed(read.failure);
      const raw = read.body;
      const answer = upstream.statusCode < 300 ? parseJsonObject(raw.toString('utf8')) : undefined;
      if (!answer) {
        this.answer.blocking(upstream, raw);
        return upstream.statusCode >= 300 ? this.failed({ type: 'upstream_error', message: upstreamErrorSummary(upstream.statusCode, raw) }) : this.record;
      }
      const observation = observeBlocking(this.api, answer);
      this.observe(observation);
      if (isJsonObject(answer.usage)) providerUsages.push(answer.usage);

      const injected = await this.nextStep(observation.toolCalls, iteration);
      if (injected === 'final') {
        if (iteration === 1) this.answer.blocking(upstream, raw);
        else this.answer.blocking(upstream, Buffer.from(JSON.stringify({ ...answer, usage: sumUsage(providerUsages) })));
        return this.record;
      }
      if (injected === 'exceeded') return this.answerWithError(this.maxIterationsError());
      this.body = continuationOf(this.api, this.body, assistantTurnOf(this.api, answer), injected);
    }
  }

  async streaming(): Promise<Outcome> {
    const merger = createStreamMerger(this.api, (name) => this.plan.tools.has(name));
    try {
      for (let iteration = 1; ; iteration++) {
        const sent = await this.send();
        if (!sent.ok) return this.failed(sent.failure);
        const upstream = sent.response;
        if (upstream.statusCode >= 300) return this.upstreamRefused(upstream);
        // Responses are buffered per iteration: the client's stream opens with the final one.
        if (this.api !== 'openai-responses') this.answer.openStream(upstream);
        const pumped = await pumpStream(this.api, upstream, this.config.server.upstream.maxEventBytes, this.context.connection, async (events) => {
          const stream = this.answer.openedStream;
          for (const event of events) {
            const text = merger.push(event);
            if (stream) await stream.write(text);
          }
        });
        this.observe(pumped.observation);
        if (pumped.clientDisconnected) return this.failed(CLIENT_DISCONNECTED);
        if (pumped.failure || pumped.observation.error) {
          // Chat and Anthropic already relayed the upstream's error event; Responses flushes what it buffered.
          const stream = this.answer.openStream(upstream);
          if (this.api === 'openai-responses') await stream.write(merger.finish());
          if (pumped.failure) stream.writeEvent(streamFailureEvent(this.api, pumped.failure, pumped.observation));
          this.record.error = pumped.failure ?? pumped.observation.error;
          return this.record;
        }
        const injected = await this.nextStep(pumped.observation.toolCalls, iteration);
        if (injected === 'final') {
          await this.answer.openStream(upstream).write(merger.finish());
          return this.record;
        }
        if (injected === 'exceeded') return this.answerWithError(this.maxIterationsError());
        this.body = continuationOf(this.api, this.body, merger.nextIteration(), injected);
      }
    } finally {
      this.answer.end();
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
  private async send(): Promise<SentRequest> {
    const route = this.route;
    if (!route) return sendBridged(this.exchange, Buffer.from(JSON.stringify(this.body)), this.answerError);
    this.route = undefined;
    const { connection, summary } = this.context;
    const sent = await route.send(Buffer.from(JSON.stringify(this.body)), connection, summary, this.answerError);
    // Continuations go to the target that served (its provider, its model), never back through the alias.
    this.body = { ...this.body, model: route.servedBodyModel };
    this.exchange = { ...this.exchange, request: route.servedRequest, model: route.served.model };
    return sent;
  }

  private observe(observation: StreamObservation): void {
    this.record.tokenUsages.push(...observation.tokenUsages);
    this.record.responseId = observation.responseId ?? this.record.responseId;
    this.record.responseModel = observation.model ?? this.record.responseModel;
  }

  /** A gateway error: a provider-shaped answer, or one SSE error event when the client's stream is already open. */
  private readonly answerError = (error: GatewayError): void => this.answer.error(error);

  private answerWithError(error: GatewayError): Outcome {
    this.answerError(error);
    return this.failed({ type: error.kind, message: error.message });
  }

  /** An upstream error status: relayed as is while nothing was sent, else one SSE error event. */
  private async upstreamRefused(upstream: UpstreamResponse): Promise<Outcome> {
    const raw = await readUpstreamBody(upstream, this.config.server.upstream.maxResponseBytes).catch(() => Buffer.alloc(0));
    const summary = upstreamErrorSummary(upstream.statusCode, raw);
    const stream = this.answer.openedStream;
    if (!stream) this.answer.blocking(upstream, raw);
    else stream.writeEvent(sseErrorEvent(this.api, { type: 'api_error', message: summary }));
    return this.failed({ type: 'upstream_error', message: summary });
  }

  private failed(failure: ExchangeFailure): Outcome {
    this.record.error = { type: failure.type, message: failure.message };
    return this.record;
  }

  private maxIterationsError(): GatewayError {
    const bound = this.config.mcp.maxIterations;
    this.deps.logger.warn({ maxIterations: bound, provider: this.request.provider.config.name }, 'tool loop stopped at mcp.maxIterations');
    return new GatewayError('max_iterations_exceeded', `max_iterations_exceeded: the model still called tools after ${bound} iterations (mcp.maxIterations)`);
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
