import {
  respondAnthropicCountTokens,
  respondAnthropicMessages,
  respondAnthropicModel,
  respondAnthropicModelList,
} from './anthropic-messages.responder';
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
];

export function matchRoute(method: string, path: string): Route {
  for (const [prefix, provider] of PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const segments = path.slice(prefix.length).split('/').filter((segment) => segment !== '');
    const found = provider === 'openai' ? openaiEndpoint(method, segments) : anthropicEndpoint(method, segments);
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
