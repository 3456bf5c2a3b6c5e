import { Readable } from 'node:stream';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { hint } from '@tollgate/keypool';
import { decodeAwsCredential, type AwsCredential, type BedrockUpstreamConfig } from '@tollgate/platform';
import {
  BedrockEventStreamTranslator,
  anthropicErrorFromBedrock,
  bedrockModelIds,
  resolveBedrockModelId,
  toBedrockInvocation,
  type RouteMatch,
  upstreamPathAndQuery,
  type UpstreamBase,
} from '@tollgate/providers';
import { GatewayError } from '../errors/gateway-error';
import type { DialectCall, DialectPassthrough, UpstreamDialect } from './upstream-dialect';
import type { UpstreamResponse, UpstreamTarget } from './upstream.client';

const EVENT_STREAM = 'application/vnd.amazon.eventstream';
/** A Bedrock error body is a short JSON message; more than this is not read. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Claude on AWS Bedrock behind an anthropic provider: Anthropic Messages become `InvokeModel` /
 * `InvokeModelWithResponseStream` calls on the mapped Bedrock model id, each attempt SigV4-signed with its pool entry
 * (or carrying a Bedrock API key as a Bearer token), and Bedrock's answers become Anthropic's again.
 */
export class BedrockDialect implements UpstreamDialect {
  readonly name = 'bedrock';
  /** Client model name → Bedrock model id (built-in defaults, then the operator's `modelIds`). */
  readonly modelIds: ReadonlyMap<string, string>;
  /** One signer per AWS credential of the pool, built once; a Bedrock API key has none. */
  private readonly signers = new Map<string, SignatureV4>();
  private readonly host: string;

  constructor(
    config: BedrockUpstreamConfig,
    private readonly base: UpstreamBase,
    poolEntries: readonly string[],
  ) {
    this.modelIds = bedrockModelIds(config.region, config.modelIds);
    this.host = new URL(base.origin).host;
    for (const entry of poolEntries) {
      const credential = decodeAwsCredential(entry);
      if (credential) this.signers.set(entry, signerFor(credential, config.region));
    }
  }

  /** An AWS credential shows its access key id, never any part of the secret access key or session token. */
  hintOf(entry: string): string {
    const credential = decodeAwsCredential(entry);
    return credential ? hint(credential.accessKeyId) : hint(entry);
  }

  bridgedCall(call: DialectCall, byokCredential: string | undefined): DialectCall | GatewayError {
    if (byokCredential !== undefined && byokCredential.startsWith('sk-ant-')) {
      return new GatewayError('unauthorized', 'this provider reaches Claude through AWS Bedrock: send a Bedrock API key as your own key, not an Anthropic one');
    }
    const invocation = toBedrockInvocation(call.body ?? Buffer.alloc(0), call.headers['anthropic-beta']);
    if (!invocation.ok) return new GatewayError('bad_request', invocation.reason);
    const modelId = this.modelIdOf(invocation.model);
    if (modelId === undefined) return unknownModel(invocation.model);
    const operation = invocation.streaming ? 'invoke-with-response-stream' : 'invoke';
    return {
      target: this.target(modelId, operation),
      headers: { 'content-type': 'application/json', accept: invocation.streaming ? EVENT_STREAM : 'application/json' },
      body: invocation.body,
    };
  }

  passthrough(route: Extract<RouteMatch, { kind: 'passthrough' }>, call: DialectCall): DialectPassthrough {
    const catalog = route.modelCatalog;
    if (catalog?.kind === 'list') return { kind: 'answer', status: 200, body: Buffer.from(JSON.stringify(this.modelList())) };
    if (catalog?.kind === 'model') {
      const id = decodedSegment(catalog.id);
      if (!this.modelIds.has(id)) return { kind: 'refused', error: new GatewayError('not_found', `model: ${id} is not in this provider's Bedrock model map`) };
      return { kind: 'answer', status: 200, body: Buffer.from(JSON.stringify(modelEntry(id))) };
    }
    if (route.upstreamPath === '/v1/messages/count_tokens') return this.countTokens(call);
    return { kind: 'refused', error: new GatewayError('not_found', `route not supported through a Bedrock upstream: ${route.upstreamPath}`) };
  }

  async authorize(call: DialectCall, method: string, credential: string, byok: boolean): Promise<Record<string, string>> {
    const signer = byok ? undefined : this.signers.get(credential);
    if (!signer) return { ...call.headers, authorization: `Bearer ${credential}` };
    const queryStart = call.target.path.indexOf('?');
    const request = new HttpRequest({
      method,
      protocol: 'https:',
      hostname: this.host,
      path: queryStart === -1 ? call.target.path : call.target.path.slice(0, queryStart),
      headers: { ...call.headers, host: this.host },
      body: call.body,
    });
    const signed = await signer.sign(request);
    return signed.headers;
  }

  async translateResponse(response: UpstreamResponse): Promise<UpstreamResponse> {
    const { statusCode, headers } = response;
    if (statusCode >= 400) {
      const errorType = headers['x-amzn-errortype'];
      const raw = await readCapped(response.body as AsyncIterable<Buffer>, MAX_ERROR_BODY_BYTES);
      const body = Buffer.from(anthropicErrorFromBedrock(statusCode, Array.isArray(errorType) ? errorType[0] : errorType, raw));
      return withBody(response, { ...withoutLength(headers), 'content-type': 'application/json' }, Readable.from([body]));
    }
    if (String(headers['content-type'] ?? '').startsWith(EVENT_STREAM)) {
      return withBody(response, { ...withoutLength(headers), 'content-type': 'text/event-stream' }, Readable.from(anthropicSse(response.body as AsyncIterable<Buffer>)));
    }
    return response;
  }

  /** `/model/{modelId}/{operation}` under the base URL; the id's `:` is escaped, as the AWS SDKs send (and sign) it. */
  private target(modelId: string, operation: string): UpstreamTarget {
    return { origin: this.base.origin, path: upstreamPathAndQuery(this.base, `/model/${encodeURIComponent(modelId)}/${operation}`) };
  }

  upstreamModel(model: string): string | undefined {
    return this.modelIdOf(model);
  }

  private modelIdOf(model: string): string | undefined {
    return resolveBedrockModelId(this.modelIds, model);
  }

  private modelList(): Record<string, unknown> {
    const data = [...this.modelIds.keys()].map(modelEntry);
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }

  /**
   * Bedrock's CountTokens takes the InvokeModel body (base64) and a base model id (an inference profile's
   * geography prefix is dropped: CountTokens refuses profiles); `{"inputTokens": n}` becomes `{"input_tokens": n}`.
   */
  private countTokens(call: DialectCall): DialectPassthrough {
    const invocation = toBedrockInvocation(call.body ?? Buffer.alloc(0), call.headers['anthropic-beta']);
    if (!invocation.ok) return { kind: 'refused', error: new GatewayError('bad_request', invocation.reason) };
    const modelId = this.modelIdOf(invocation.model);
    if (modelId === undefined) return { kind: 'refused', error: unknownModel(invocation.model) };
    const baseModelId = modelId.replace(/^[a-z-]+\.(?=anthropic\.)/, '');
    // CountTokens takes an InvokeModel body, which requires max_tokens (Anthropic's count_tokens has none).
    const invokeBody = Buffer.from(JSON.stringify({ max_tokens: 1, ...invocation.fields })).toString('base64');
    return {
      kind: 'call',
      call: {
        target: this.target(baseModelId, 'count-tokens'),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: Buffer.from(JSON.stringify({ input: { invokeModel: { body: invokeBody } } })),
      },
      rewriteAnswer: (answer) => {
        const counted = JSON.parse(answer.toString('utf8')) as { inputTokens?: unknown };
        return Buffer.from(JSON.stringify({ input_tokens: counted.inputTokens }));
      },
    };
  }
}

function signerFor(credential: AwsCredential, region: string): SignatureV4 {
  return new SignatureV4({ service: 'bedrock', region, credentials: credential, sha256: Hash.bind(null, 'sha256') });
}

function unknownModel(model: string): GatewayError {
  return new GatewayError(
    'bad_request',
    `model: ${model} is not in this provider's Bedrock model map (modelIds); use a mapped name or a Bedrock model id such as anthropic.claude-…`,
  );
}

/** A path segment as sent, unescaped (as it is when its escaping is invalid). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function modelEntry(id: string): { type: 'model'; id: string; display_name: string } {
  return { type: 'model', id, display_name: id };
}

async function* anthropicSse(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const translator = new BedrockEventStreamTranslator();
  for await (const chunk of body) {
    const sse = translator.push(chunk);
    if (sse !== '') yield Buffer.from(sse, 'utf8');
  }
  const rest = translator.end();
  if (rest !== '') yield Buffer.from(rest, 'utf8');
}

async function readCapped(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

function withoutLength(headers: UpstreamResponse['headers']): UpstreamResponse['headers'] {
  const { 'content-length': _length, ...rest } = headers;
  return rest;
}

function withBody(response: UpstreamResponse, headers: UpstreamResponse['headers'], body: Readable): UpstreamResponse {
  return { ...response, headers, body: body as unknown as UpstreamResponse['body'] };
}
