import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MOCK_DEFAULT_CHUNKS } from './mock-defaults';
import { mockId } from './mock-ids';
import type { MockProvider, MockStep, MockUpstream, MockUpstreamOptions, ReceivedRequest } from './mock-upstream.types';
import { matchRoute, type Route } from './mock-upstream.router';
import { AZURE_429_HEADERS, providerErrorBody } from './provider-errors';
import { RequestJournal } from './request-journal';
import { requestCredential } from './request-credential';
import { describePlan, jsonPlan, type ResponsePlan } from './response-plan';
import { writePlan } from './response-writer';
import { ScriptQueue } from './script-queue';

const DEFAULT_WAIT_MS = 5_000;
const NO_STEP: MockStep = Object.freeze({});

/**
 * Starts a scriptable fake of the OpenAI (`/openai/v1/…`), Anthropic (`/anthropic/v1/…`), Gemini (`/gemini/v1beta/…`)
 * and Azure OpenAI (`/azure/openai/…`) HTTP APIs.
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = options.host ?? '127.0.0.1';
  const defaultChunks = options.defaultChunks ?? MOCK_DEFAULT_CHUNKS;
  const defaultChunkDelayMs = options.defaultChunkDelayMs ?? 0;
  const journal = new RequestJournal(options.record ?? true);
  const scripts = new ScriptQueue();

  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const connection = new AbortController();
    const exchange: { entry?: ReceivedRequest; droppedByMock: boolean } = { droppedByMock: false };
    res.on('close', () => {
      connection.abort();
      if (exchange.entry && !res.writableFinished && !exchange.droppedByMock) journal.markAborted(exchange.entry);
    });

    const rawBody = await readBody(req);
    if (rawBody === undefined) return; // the client went away while sending
    const method = req.method ?? 'GET';
    const [path, search] = splitUrl(req.url ?? '/');
    const route = matchRoute(method, path);
    const query = search === '' ? {} : Object.fromEntries(new URLSearchParams(search));
    const credential = requestCredential(req.headers, route.provider, query);
    const body = parseBody(rawBody);
    exchange.entry = journal.add({
      provider: route.provider,
      method,
      path,
      query,
      headers: req.headers,
      credential,
      body,
      rawBody,
    });

    const requestId = mockId('req_');
    const hasApiVersion = query['api-version'] !== undefined;
    const { plan, status, step } = choosePlan(route, method, path, query, credential, body, requestId, hasApiVersion);
    if (exchange.entry) exchange.entry.answer = describePlan(plan, status);
    const azureDefaults = route.provider === 'azure' && status === 429 ? AZURE_429_HEADERS : undefined;
    await writePlan(res, plan, {
      status,
      headers: { ...requestIdHeaders(route.provider, requestId), ...azureDefaults, ...step.headers },
      step,
      chunkDelayMs: step.chunkDelayMs ?? defaultChunkDelayMs,
      signal: connection.signal,
      onDrop: () => {
        exchange.droppedByMock = true;
      },
    });
  }

  /** The scripted step for this request (if any) and what it makes us answer. */
  function choosePlan(
    route: Route,
    method: string,
    path: string,
    query: Record<string, string>,
    credential: string | undefined,
    body: unknown,
    requestId: string,
    hasApiVersion: boolean,
  ): { plan: ResponsePlan; status: number; step: MockStep } {
    const error = (status: number, step: MockStep, message?: string) => ({
      plan: jsonPlan(providerErrorBody(route.provider, status, requestId, message), status),
      status,
      step,
    });
    if (route.respond === undefined) return error(404, NO_STEP, route.provider === 'azure' ? undefined : `Invalid URL (${method} ${path})`);
    if (route.needsApiVersion && !hasApiVersion) {
      return { plan: jsonPlan({ error: { code: 'BadRequest', message: 'Missing required query parameter: api-version' } }, 400), status: 400, step: NO_STEP };
    }
    if (credential === undefined) return error(401, NO_STEP, route.provider === 'azure' ? undefined : 'Missing credentials: send an API key.');

    const step = scripts.next(credential) ?? NO_STEP;
    if (step.body !== undefined) return { plan: jsonPlan(step.body), status: step.status ?? 200, step };
    if (step.status !== undefined && step.status >= 400) return error(step.status, step);
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    if (route.needsJsonBody && !isObject) return error(400, step, 'The request body must be a JSON object.');

    const plan = route.respond({
      method,
      body: isObject ? (body as Record<string, unknown>) : {},
      segments: route.segments,
      query,
      step,
      chunks: step.chunks ?? defaultChunks,
    });
    return { plan, status: step.status ?? (plan.kind === 'json' ? plan.status : 200), step };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/openai/v1/`,
    anthropicBaseUrl: `${url}/anthropic/`,
    geminiBaseUrl: `${url}/gemini/`,
    azureEndpoint: `${url}/azure/`,
    azureV1BaseUrl: `${url}/azure/openai/v1/`,
    port,
    received: journal.received,
    script: (credential, ...steps) => scripts.add(credential, steps),
    keysSeen: () => journal.received.flatMap((request) => (request.credential === undefined ? [] : [request.credential])),
    reset: () => {
      scripts.clear();
      journal.clear();
    },
    waitForRequest: (index, timeoutMs = DEFAULT_WAIT_MS) => journal.waitFor(index, false, timeoutMs),
    waitForAbort: (index, timeoutMs = DEFAULT_WAIT_MS) => journal.waitFor(index, true, timeoutMs),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(req.complete ? Buffer.concat(parts) : undefined));
  });
}

function splitUrl(url: string): [path: string, search: string] {
  const question = url.indexOf('?');
  return question === -1 ? [url, ''] : [url.slice(0, question), url.slice(question + 1)];
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requestIdHeaders(provider: MockProvider | undefined, requestId: string): Record<string, string> {
  if (provider === 'anthropic') return { 'request-id': requestId };
  if (provider === 'gemini') return {};
  if (provider === 'azure') return { 'apim-request-id': requestId, 'x-request-id': requestId, 'x-ms-region': 'Sweden Central' };
  if (provider === undefined) return { 'x-request-id': requestId };
  return { 'x-request-id': requestId, 'openai-processing-ms': '1', 'openai-version': '2020-10-01' };
}
