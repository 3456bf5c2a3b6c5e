import { createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { azureDeploymentTarget, extractCredentials, headersToForward, matchRoute, parseUpstreamBase, queryParameter, upstreamPathAndQuery, withoutQueryParameter, type ProviderDescription } from '@tollgate/providers';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import { planCredential } from '../identity/credential.planner';
import { modelRefusal } from '../access/model-access.gate';
import { filterModelList } from '../access/model-list.filter';
import { aliasModelObject, aliasVisible, withAliasModels } from '../routing/alias-model-list';
import { passthroughAliasTarget } from '../routing/passthrough-alias';
import type { ProviderRegistry, ProviderRuntime } from '../keys/provider-runtime';
import { readRequestBody, requestHasBody } from './request-body.reader';
import { RequestTiming } from './request-timing';
import { refuseApiBodyBeforeReading } from './api-body.gate';
import { RequestTimeoutResponder, serverTimeouts } from './request-timeout.responder';
import type { ProviderRequestServices } from './provider-request.services';

/**
 * The gateway's HTTP server. A request whose first path segment names a provider instance is the provider surface and
 * is served here, straight from Node's server: route, gateway token and credential first, then the body, then the
 * bridge or the passthrough. Everything else (health, metrics, the admin and user APIs, the console, unknown paths)
 * goes to Fastify, where Nest serves it. The hot path so skips Fastify's per-request objects and hooks, and a body is
 * read only once its sender is known.
 */
export function createGatewayServer(services: ProviderRequestServices, fastifyHandler: RequestListener): Server {
  const timeouts = new RequestTimeoutResponder();
  const server = createServer(serverTimeouts(services.live.config.server), (request, response) => {
    const provider = providerOf(services.live.providers, request.url ?? '/');
    if (!provider) {
      if (refuseApiBodyBeforeReading(services, request, response)) return;
      timeouts.track(response);
      fastifyHandler(request, response);
      return;
    }
    timeouts.track(response, provider.description);
    if (!server.listening) {
      // Closing for shutdown: a request on a kept-alive connection is refused, and the connection closed.
      writeGatewayError(response, provider.description, new GatewayError('shutting_down', 'the gateway is shutting down; retry'), { connection: 'close' });
      return;
    }
    serveProviderRequest(services, provider, request, response).catch((error: unknown) => {
      services.logger.error({ err: error, method: request.method, provider: provider.config.name }, 'provider request failed unexpectedly');
      if (!response.headersSent) writeGatewayError(response, provider.description, new GatewayError('internal', 'internal gateway error'));
      else if (!response.writableEnded) response.end();
    });
  });
  server.on('clientError', timeouts.onClientError);
  return server;
}

/** The provider instance named by the first path segment, if any. */
function providerOf(providers: ProviderRegistry, url: string): ProviderRuntime | undefined {
  let end = url.indexOf('/', 1);
  if (end === -1) end = url.length;
  const query = url.indexOf('?', 1);
  if (query !== -1 && query < end) end = query;
  return providers.get(url.slice(1, end));
}

async function serveProviderRequest(services: ProviderRequestServices, provider: ProviderRuntime, request: IncomingMessage, out: ServerResponse): Promise<void> {
  const timing = new RequestTiming();
  const url = request.url ?? '/';
  const method = request.method ?? 'GET';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const description = provider.description;
  const route = path.startsWith(provider.routePrefix) ? matchRoute(description, method, path.slice(provider.routePrefix.length)) : undefined;
  // A refusal before the body is read closes the connection: the unread body is never drained.
  const refusalHeaders: Record<string, string> = requestHasBody(request) ? { connection: 'close' } : {};
  if (!route) {
    writeGatewayError(out, description, new GatewayError('not_found', `route not supported: ${method} ${path}`), refusalHeaders);
    return;
  }

  const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const credentials = extractCredentials(description, request.headers, query);
  const principal = credentials.gatewayToken ? services.callers.resolve(credentials.gatewayToken) : undefined;
  if (!principal) {
    const message = credentials.gatewayToken ? 'invalid, expired or revoked gateway token' : 'a gateway token (tg_…) is required';
    writeGatewayError(out, description, new GatewayError('unauthorized', message), refusalHeaders);
    return;
  }
  const access = services.access.accessOf(principal);
  const catalog = route.kind === 'passthrough' ? route.modelCatalog : undefined;
  // A passthrough route that names a model (one model of the list, Gemini's countTokens) is held to the model policies.
  const pathModel = catalog?.kind === 'model' ? safeDecode(catalog.id) : route.kind === 'passthrough' ? route.model : undefined;
  if (pathModel !== undefined) {
    const refusal = modelRefusal(access, provider.config.name, pathModel);
    if (refusal) {
      services.metrics.modelRefused(refusal.level);
      writeGatewayError(out, description, refusal.error, refusalHeaders);
      return;
    }
    // A model alias is the gateway's own: it answers for it (docs/providers.md, "Model aliases with fallback (`routing.aliases`)").
    const alias = catalog?.kind === 'model' ? services.live.aliases.find(pathModel, provider.config.type) : undefined;
    if (alias && aliasVisible(alias, provider.config.name, access.modelPolicies)) {
      const answer = Buffer.from(JSON.stringify(aliasModelObject(alias)));
      out.writeHead(200, { ...refusalHeaders, 'content-type': 'application/json', 'content-length': answer.length });
      out.end(answer);
      services.metrics.requestAnswered(provider.config.name, 'passthrough', 200);
      return;
    }
  }
  // Gemini's countTokens may name an alias: its first target the caller may use answers (a map look-up only there).
  const routeModel = route.kind === 'passthrough' ? route.model : undefined;
  const pathAlias = routeModel === undefined ? undefined : services.live.aliases.find(routeModel, provider.config.type);
  const aliasTarget = pathAlias && passthroughAliasTarget(pathAlias, access, route.upstreamPath, provider, credentials.byokCredential !== undefined);
  if (aliasTarget instanceof GatewayError) {
    writeGatewayError(out, description, aliasTarget, refusalHeaders);
    return;
  }
  const upstreamProvider = aliasTarget ? aliasTarget.provider : provider;
  const upstreamPath = aliasTarget ? aliasTarget.upstreamPath : route.upstreamPath;
  const planned = await planCredential(services, upstreamProvider, principal.userId, credentials);
  if (!planned.ok) {
    writeGatewayError(out, description, planned.error, refusalHeaders);
    return;
  }
  const usesPoolKey = planned.plan.kind === 'centralized';
  // The pool's account holds every user's stored objects: through it, each is reachable only by its creator.
  if (usesPoolKey && route.kind === 'passthrough' && route.storedObject) {
    const { kind, id } = route.storedObject;
    if ((await services.storedObjectOwners.ownerOf(provider.config.name, kind, id)) !== principal.userId) {
      writeGatewayError(out, description, new GatewayError('not_found', `no ${kind} found with id '${id}'`));
      return;
    }
  }

  const maxBodyBytes = services.live.config.server.maxBodyBytes;
  const body = await readRequestBody(request, maxBodyBytes);
  if (body.kind === 'aborted') return;
  if (body.kind === 'too_large') {
    writeGatewayError(out, description, new GatewayError('payload_too_large', `request body exceeds ${maxBodyBytes} bytes`), { connection: 'close' });
    return;
  }

  const plan = planned.plan;
  const base = planned.baseUrl === undefined ? upstreamProvider.upstreamBase : parseUpstreamBase(planned.baseUrl);
  const search = upstreamQuery(description, query);
  // Azure's deployment URLs: a bridged request's path follows its model, set once the body is inspected.
  const target = {
    origin: base.origin,
    path: upstreamProvider.azureDeployments
      ? azureDeploymentTarget(base, upstreamProvider.azureDeployments, upstreamPath, undefined, search)
      : upstreamPathAndQuery(base, upstreamPath, search),
  };
  // A model list is filtered by the caller's model policies (docs/configuration.md `models`).
  const filtersModels = catalog?.kind === 'list' && access.modelPolicies.length > 0;
  // The model list also names the aliases of the provider's family that the caller may use.
  const aliases = catalog?.kind === 'list' ? services.live.aliases.ofFamily(provider.config.type)?.filter((alias) => aliasVisible(alias, provider.config.name, access.modelPolicies)) : undefined;
  const listsAliases = aliases !== undefined && aliases.length > 0;
  // Answers the gateway reads (bridged, creates whose id it records, model lists it filters or extends) must come uncompressed.
  const readsAnswer = route.kind === 'bridged' || (usesPoolKey && route.creates !== undefined) || filtersModels || listsAliases;
  const forwardHeaders = headersToForward(description, request.headers, readsAnswer, credentials, usesPoolKey);
  const limits = services.limits.gate(access, { providerType: provider.config.type, credential: plan.kind, usageKnown: route.kind === 'bridged' });
  if (route.kind === 'bridged') {
    await services.interceptions.handle({
      provider,
      api: route.api,
      routePath: route.upstreamPath,
      upstream: target,
      upstreamBase: base,
      // Without a key in the query (Gemini's `key`): an alias target of another provider must never get it.
      query: search,
      aliases: services.live.aliases,
      principal,
      access,
      plan,
      forwardHeaders,
      userAgent: headerValue(request.headers, 'user-agent'),
      fromPath: route.model === undefined ? undefined : { model: route.model, stream: route.streaming === 'alt-sse' && queryParameter(query, 'alt') === 'sse' },
      body: body.bytes,
      out,
      timing,
      // BYOK spend is reported, never limited: only pool-paid requests are held against a budget.
      budget: usesPoolKey ? services.budgets.gateFor(provider.config.name, access) : undefined,
      limits,
    });
  } else {
    const admission = limits && (await limits.admit());
    if (admission && !admission.ok) {
      writeGatewayError(out, description, admission.error, admission.headers);
    } else {
      const recordCreated = usesPoolKey && route.creates ? { kind: route.creates, userId: principal.userId } : undefined;
      const filtered = filtersModels ? (answer: Buffer) => filterModelList(answer, provider.config.name, access.modelPolicies) : (answer: Buffer) => answer;
      const rewriteAnswer = listsAliases ? (answer: Buffer) => withAliasModels(filtered(answer), aliases) : filtersModels ? filtered : undefined;
      const passthrough = {
        provider: upstreamProvider,
        method,
        upstream: target,
        plan,
        forwardHeaders,
        body: body.bytes.length > 0 ? body.bytes : undefined,
        out,
        timing,
        recordCreated,
        rewriteAnswer,
        answerHeaders: admission?.headers,
      };
      try {
        await (upstreamProvider.dialect ? services.passthrough.handleThroughDialect(upstreamProvider.dialect, route, passthrough) : services.passthrough.handle(passthrough));
      } finally {
        admission?.finish([], 'not_served');
      }
      services.metrics.passthroughCompleted(provider.config.name, timing);
    }
  }
  services.metrics.requestAnswered(provider.config.name, route.kind === 'bridged' ? route.api : 'passthrough', out.statusCode);
}

/** The query sent upstream: a key in the provider's credential query parameter (Gemini's `key`) never is. */
function upstreamQuery(description: ProviderDescription, query: string): string {
  const parameter = description.credentialQueryParameter;
  return parameter !== undefined && query !== '' ? withoutQueryParameter(query, parameter) : query;
}

/** A path segment as the upstream reads it (`ft%3Agpt-4o` → `ft:gpt-4o`); as sent if it is not valid escaping. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
