import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@tollgate/platform';
import type { RouteMatch, StoredObjectKind } from '@tollgate/providers';
import { transportError } from '../bridge/failure-mapping';
import type { AttemptSummary, CredentialPlan } from '../bridge/upstream-attempts';
import { sendOrAnswer } from '../bridge/upstream-exchange';
import { writeGatewayError } from '../errors/error-response';
import { ClientConnection } from '../http/client-connection';
import { relayedResponseHeaders } from '../http/relayed-headers';
import type { RequestTiming } from '../http/request-timing';
import type { ProviderRuntime } from '../keys/provider-runtime';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import type { StoredObjectOwners } from '../stored-objects/stored-object.owners';
import type { UpstreamClient, UpstreamResponse, UpstreamTarget } from '../upstream/upstream.client';
import type { UpstreamDialect } from '../upstream/upstream-dialect';

type PassthroughRoute = Extract<RouteMatch, { kind: 'passthrough' }>;

export interface PassthroughRequest {
  provider: ProviderRuntime;
  method: string;
  upstream: UpstreamTarget;
  plan: CredentialPlan;
  forwardHeaders: Record<string, string>;
  /** Read once; replayed byte-identically on every attempt. */
  body?: Buffer;
  out: ServerResponse;
  timing: RequestTiming;
  /** The request creates a stored object in the pool's account: record this user as its owner from the answer's id. */
  recordCreated?: { kind: StoredObjectKind; userId: string };
  /** Rewrites a successful answer before the client sees it (a model list filtered by model policy). */
  rewriteAnswer?: (body: Buffer) => Buffer;
  /** Headers for the answer, whatever it is (a limited caller's rate-limit headers, replacing the upstream's). */
  answerHeaders?: Record<string, string>;
}

/** Allow-listed reverse proxy: same key pool and failover as bridged routes, no interception record. */
export class PassthroughHandler {
  constructor(
    private readonly client: UpstreamClient,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly storedObjectOwners: StoredObjectOwners,
  ) {}

  /**
   * A passthrough route of a provider whose upstream speaks a dialect (Bedrock): the dialect answers it itself (the
   * model list, from its model map), rewrites it for its upstream (token counting), or refuses it.
   */
  async handleThroughDialect(dialect: UpstreamDialect, route: PassthroughRoute, request: PassthroughRequest): Promise<void> {
    const { out, provider, rewriteAnswer } = request;
    const handled = dialect.passthrough(route, { target: request.upstream, headers: request.forwardHeaders, body: request.body });
    switch (handled.kind) {
      case 'refused':
        writeGatewayError(out, provider.description, handled.error, request.answerHeaders);
        return;
      case 'answer': {
        const body = rewriteAnswer ? rewriteAnswer(handled.body) : handled.body;
        request.timing.markFirstByte();
        out.writeHead(handled.status, { ...request.answerHeaders, 'content-type': 'application/json', 'content-length': body.length });
        out.end(body);
        return;
      }
      case 'call': {
        const rewrite = rewriteAnswer ? (answer: Buffer) => rewriteAnswer(handled.rewriteAnswer(answer)) : handled.rewriteAnswer;
        await this.handle({ ...request, upstream: handled.call.target, forwardHeaders: handled.call.headers, body: handled.call.body, rewriteAnswer: rewrite });
      }
    }
  }

  async handle(request: PassthroughRequest): Promise<void> {
    const { provider, out } = request;
    const connection = new ClientConnection(out);
    const summary: AttemptSummary = { hint: '', handedOut: 0 };
    const sent = await sendOrAnswer(
      {
        client: this.client,
        provider,
        route: 'passthrough',
        plan: request.plan,
        request: { target: request.upstream, method: request.method, headers: request.forwardHeaders, body: request.body, signal: connection },
        summary,
        metrics: this.metrics,
      },
      (error) => writeGatewayError(out, provider.description, error, request.answerHeaders),
    );
    if (request.plan.kind === 'centralized') this.metrics.observeFailoverAttempts(provider.config.name, summary.handedOut);
    if (!sent.ok) return;

    // A dialect's upstream answers in its own error shape: the client gets the provider's.
    const upstream = provider.dialect ? await provider.dialect.translateResponse(sent.response) : sent.response;
    if ((request.recordCreated || request.rewriteAnswer) && upstream.statusCode < 300) {
      await this.relayRead(request, upstream, connection);
      return;
    }
    out.writeHead(upstream.statusCode, relayedResponseHeaders(upstream.headers, request.answerHeaders, request.plan.kind === 'centralized'));
    request.timing.markFirstByte();
    try {
      await pipeline(upstream.body, out);
    } catch (error) {
      if (!connection.isDisconnected) this.logger.warn({ err: error, provider: provider.config.name }, 'passthrough response broke mid-body');
      out.destroy();
    }
  }

  /**
   * Reads a (small JSON) answer whole: for a create, records its owner before the client sees the id, so that the
   * creator's next request, on any replica, finds it; for a rewritten answer, rewrites it.
   */
  private async relayRead(request: PassthroughRequest, upstream: UpstreamResponse, connection: ClientConnection): Promise<void> {
    const { provider, out, recordCreated: created } = request;
    let body: Buffer;
    try {
      body = Buffer.from(await upstream.body.arrayBuffer());
    } catch (error) {
      if (!connection.isDisconnected) writeGatewayError(out, provider.description, transportError('connection', error as Error), request.answerHeaders);
      return;
    }
    const id = created && idOf(body);
    if (created && id !== undefined) {
      try {
        await this.storedObjectOwners.record(provider.config.name, created.kind, id, created.userId);
      } catch (error) {
        this.logger.warn({ err: error, provider: provider.config.name }, `could not record the owner of a stored ${created.kind}; it will answer 404`);
      }
    }
    if (request.rewriteAnswer) body = request.rewriteAnswer(body);
    out.writeHead(upstream.statusCode, relayedResponseHeaders(upstream.headers, { ...request.answerHeaders, 'content-length': body.length }, request.plan.kind === 'centralized'));
    request.timing.markFirstByte();
    out.end(body);
  }
}

function idOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}
