import { notConversational, type BridgedApi } from '../provider-type';
import { AnthropicStreamMerger } from './anthropic-stream.merger';
import { OpenAiChatStreamMerger } from './openai-chat-stream.merger';
import { OpenAiResponsesStreamMerger } from './openai-responses-stream.merger';
import type { StreamMerger } from './stream-merger';

/** The stream merger for one agentic streaming interception on `api`. */
export function createStreamMerger(api: BridgedApi, isInjected: (toolName: string) => boolean): StreamMerger {
  switch (api) {
    case 'anthropic-messages':
      return new AnthropicStreamMerger(isInjected);
    case 'openai-chat':
      return new OpenAiChatStreamMerger(isInjected);
    case 'openai-responses':
      return new OpenAiResponsesStreamMerger();
    default:
      throw notConversational(api);
  }
}
