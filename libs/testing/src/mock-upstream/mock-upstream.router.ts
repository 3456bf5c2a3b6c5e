import {
  respondAnthropicCountTokens,
  respondAnthropicMessages,
  respondAnthropicModel,
  respondAnthropicModelList,
} from './anthropic-messages.responder';
import {
  respondGeminiCountTokens,
  respondGeminiEmbeddings,
  respondGeminiGenerateContent,
  respondGeminiModel,
  respondGeminiModelList,
} from './gemini.responder';
import type { MockProvider } from './mock-upstream.types';
import { respondChatCompletion } from './openai-chat.responder';
import {
  respondConversations,
  respondOpenaiModel,
  respondOpenaiModelList,
  respondStoredResponse,
} from './openai-resources.responder';
import { respondEmbeddings } from './openai-embeddings.responder';
import { respondResponses } from './openai-responses.responder';
import type { ResponderInput } from './responder-input';
import type { ResponsePlan } from './response-plan';

export type Responder = (input: ResponderInput) => ResponsePlan;

export interface Route {
  provider: MockProvider | undefined;
  /** Path segments after the `/openai/v1/` or `/anthropic/v1/` prefix. */
  segments: string[];
  /** Undefined: no such endpoint (404). */
  respond: Responder | undefined;
  /** The endpoint needs a JSON object body (answers 400 otherwise). */
  needsJsonBody: boolean;
  /** Azure's classic form: the request must carry `?api-version=` (answers 400 otherwise). */
  needsApiVersion: boolean;
  /** Azure's classic form: the deployment named by the path. */
  deployment?: string;
}

const PREFIXES: ReadonlyArray<[string, MockProvider]> = [
  ['/openai/v1/', 'openai'],
  ['/anthropic/v1/', 'anthropic'],
  ['/gemini/', 'gemini'],
  ['/azure/openai/', 'azure'],
];

const ENDPOINTS: Readonly<Record<Exclude<MockProvider, 'azure'>, (method: string, segments: string[]) => Endpoint | undefined>> = {
  openai: openaiEndpoint,
  anthropic: anthropicEndpoint,
  gemini: geminiEndpoint,
};

export function matchRoute(method: string, path: string): Route {
  for (const [prefix, provider] of PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const segments = path.slice(prefix.length).split('/').filter((segment) => segment !== '');
    if (provider === 'azure') return azureRoute(method, segments);
    const found = ENDPOINTS[provider](method, segments);
    return { provider, segments, respond: found?.[0], needsJsonBody: found?.[1] ?? false, needsApiVersion: false };
  }
  return { provider: undefined, segments: [], respond: undefined, needsJsonBody: false, needsApiVersion: false };
}

/**
 * Azure OpenAI under `/azure/openai/`: the v1 endpoint (`v1/…`, OpenAI's paths, no api-version), and the classic
 * form with `?api-version=`: `deployments/{deployment}/chat/completions` and `/embeddings`, `responses` (the
 * deployment is the body's model), `models`.
 */
function azureRoute(method: string, segments: string[]): Route {
  if (segments[0] === 'v1') {
    const rest = segments.slice(1);
    const found = openaiEndpoint(method, rest);
    return { provider: 'azure', segments: rest, respond: found?.[0], needsJsonBody: found?.[1] ?? false, needsApiVersion: false };
  }
  if (segments[0] === 'deployments') {
    const [, deployment, ...rest] = segments;
    const found = deployment === undefined || rest[0] === 'models' ? undefined : openaiEndpoint(method, rest);
    return { provider: 'azure', segments: rest, respond: found?.[0], needsJsonBody: found?.[1] ?? false, needsApiVersion: true, deployment };
  }
  const found = segments[0] === 'responses' || segments[0] === 'models' ? openaiEndpoint(method, segments) : undefined;
  return { provider: 'azure', segments, respond: found?.[0], needsJsonBody: found?.[1] ?? false, needsApiVersion: true };
}

type Endpoint = [Responder, needsJsonBody: boolean];

function openaiEndpoint(method: string, segments: string[]): Endpoint | undefined {
  const [first, second] = segments;
  const count = segments.length;
  if (method === 'POST' && count === 2 && first === 'chat' && second === 'completions') {
    return [respondChatCompletion, true];
  }
  if (method === 'POST' && count === 1 && first === 'embeddings') return [respondEmbeddings, true];
  if (first === 'responses') {
    if (count === 1) return method === 'POST' ? [respondResponses, true] : undefined;
    return [respondStoredResponse, false];
  }
  if (first === 'models' && method === 'GET') {
    return count === 1 ? [respondOpenaiModelList, false] : [respondOpenaiModel, false];
  }
  if (first === 'conversations') return [respondConversations, false];
  return undefined;
}

function anthropicEndpoint(method: string, segments: string[]): Endpoint | undefined {
  const [first, second] = segments;
  const count = segments.length;
  if (method === 'POST' && first === 'messages') {
    if (count === 1) return [respondAnthropicMessages, true];
    if (count === 2 && second === 'count_tokens') return [respondAnthropicCountTokens, true];
    return undefined;
  }
  if (first === 'models' && method === 'GET') {
    return count === 1 ? [respondAnthropicModelList, false] : [respondAnthropicModel, false];
  }
  return undefined;
}

const GEMINI_METHODS: Readonly<Record<string, Responder>> = {
  generateContent: respondGeminiGenerateContent,
  streamGenerateContent: respondGeminiGenerateContent,
  embedContent: respondGeminiEmbeddings,
  batchEmbedContents: respondGeminiEmbeddings,
  countTokens: respondGeminiCountTokens,
};

/** Segments after `/gemini/`: the version (`v1beta` or `v1`), `models`, then `{model}` or `{model}:method`. */
function geminiEndpoint(method: string, segments: string[]): Endpoint | undefined {
  const [version, collection, target] = segments;
  if ((version !== 'v1beta' && version !== 'v1') || collection !== 'models' || segments.length > 3) return undefined;
  if (method === 'GET') return target === undefined ? [respondGeminiModelList, false] : [respondGeminiModel, false];
  const colon = target?.lastIndexOf(':') ?? -1;
  const responder = method === 'POST' && colon > 0 ? GEMINI_METHODS[target!.slice(colon + 1)] : undefined;
  return responder && [responder, true];
}
