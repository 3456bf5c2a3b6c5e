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
}

const PREFIXES: ReadonlyArray<[string, MockProvider]> = [
  ['/openai/v1/', 'openai'],
  ['/anthropic/v1/', 'anthropic'],
  ['/gemini/', 'gemini'],
];

const ENDPOINTS: Readonly<Record<MockProvider, (method: string, segments: string[]) => Endpoint | undefined>> = {
  openai: openaiEndpoint,
  anthropic: anthropicEndpoint,
  gemini: geminiEndpoint,
};

export function matchRoute(method: string, path: string): Route {
  for (const [prefix, provider] of PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const segments = path.slice(prefix.length).split('/').filter((segment) => segment !== '');
    const found = ENDPOINTS[provider](method, segments);
    return { provider, segments, respond: found?.[0], needsJsonBody: found?.[1] ?? false };
  }
  return { provider: undefined, segments: [], respond: undefined, needsJsonBody: false };
}

type Endpoint = [Responder, needsJsonBody: boolean];

function openaiEndpoint(method: string, segments: string[]): Endpoint | undefined {
  const [first, second] = segments;
  const count = segments.length;
  if (method === 'POST' && count === 2 && first === 'chat' && second === 'completions') {
    return [respondChatCompletion, true];
  }
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
