import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { extractCredentials, headersToForward, matchRoute, upstreamUrl } from '@tollgate/providers';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import type { GatewayRuntime } from '../gateway-runtime';
import { planCredential } from '../identity/credential.planner';
import type { ProviderRegistry, ProviderRuntime } from '../keys/provider-runtime';

/**
 * Registers the provider surface on Fastify directly (not through Nest controllers): one catch-all route that
 * dispatches by the first path segment, with raw-buffer body parsing so bodies are forwarded byte for byte.
 */
export function registerProxyRoutes(fastify: FastifyInstance, runtime: GatewayRuntime): void {
  const maxBodyBytes = runtime.config.server.maxBodyBytes;
  fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const providerType = providerFor(runtime.providers, request.url)?.config.type ?? 'openai';
      const gatewayError =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? new GatewayError('payload_too_large', `request body exceeds ${maxBodyBytes} bytes`)
          : error.statusCode && error.statusCode < 500
            ? new GatewayError('bad_request', error.message)
            : new GatewayError('internal', 'internal gateway error');
      reply.hijack();
      writeGatewayError(reply.raw, providerType, gatewayError);
    });
    scope.all('/*', (request, reply) => dispatch(runtime, request, reply));
  });
}

function providerFor(providers: ProviderRegistry, url: string): ProviderRuntime | undefined {
  const end = url.indexOf('/', 1);
  const name = url.slice(1, end === -1 ? undefined : end).split('?')[0];
  return providers.get(name);
}

async function dispatch(runtime: GatewayRuntime, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  const url = request.raw.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const search = queryStart === -1 ? '' : url.slice(queryStart);
  const provider = providerFor(runtime.providers, path);
  // Built only when needed: an Error captures a stack trace, which is not free on every request.
  const notSupported = () => new GatewayError('not_found', `route not supported: ${request.method} ${path}`);
  if (!provider) {
    writeGatewayError(out, 'openai', notSupported());
    return;
  }
  const providerType = provider.config.type;
  const prefix = providerType === 'openai' ? `/${provider.config.name}/v1` : `/${provider.config.name}`;
  const route = path.startsWith(prefix) ? matchRoute(providerType, request.method, path.slice(prefix.length)) : undefined;
  if (!route) {
    writeGatewayError(out, providerType, notSupported());
    return;
  }

  const credentials = extractCredentials(providerType, request.headers);
  const principal = credentials.gatewayToken ? runtime.resolveCaller(credentials.gatewayToken) : undefined;
  if (!principal) {
    const message = credentials.gatewayToken ? 'invalid or revoked gateway token' : 'a gateway token (tg_…) is required';
    writeGatewayError(out, providerType, new GatewayError('unauthorized', message));
    return;
  }

  const planned = await planCredential(runtime, provider, principal.userId, credentials);
  if (!planned.ok) {
    writeGatewayError(out, providerType, planned.error);
    return;
  }
  const plan = planned.plan;
  const target = new URL(upstreamUrl(planned.baseUrl ?? provider.baseUrl, route.upstreamPath, search));
  const forwardHeaders = headersToForward(providerType, request.headers, route.kind === 'bridged');
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;

  if (route.kind === 'bridged') {
    await runtime.interceptions.handle({
      provider,
      api: route.api,
      upstreamUrl: target,
      principal,
      plan,
      forwardHeaders,
      userAgent: headerValue(request.headers, 'user-agent'),
      body: body ?? Buffer.alloc(0),
      out,
      // BYOK spend is reported, never limited: only pool-paid requests are held against a budget.
      budget: plan.kind === 'centralized' ? runtime.budgetGate(provider.config.name, principal.userId) : undefined,
    });
  } else {
    await runtime.passthrough.handle({ provider, method: request.method, upstreamUrl: target, plan, forwardHeaders, body, out });
  }
  runtime.metrics.requestAnswered(provider.config.name, route.kind === 'bridged' ? route.api : 'passthrough', out.statusCode);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
