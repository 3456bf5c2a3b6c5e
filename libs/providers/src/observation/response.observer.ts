import type { BridgedApi } from '../provider-type';
import { AnthropicStreamObserver, observeMessage } from './anthropic-messages.observer';
import { GeminiStreamObserver, observeGenerateContent } from './gemini-content.observer';
import { observeEmbeddings as observeGeminiEmbeddings } from './gemini-embeddings.observer';
import type { ResponseObservation, StreamObserver } from './observation.types';
import { ChatStreamObserver, observeChatCompletion } from './openai-chat.observer';
import { observeEmbeddings as observeOpenAiEmbeddings } from './openai-embeddings.observer';
import { ResponsesStreamObserver, observeResponse } from './openai-responses.observer';

/** Usage, tool calls and errors of a blocking (non-streaming) answer, given its parsed JSON body. */
export function observeBlocking(api: BridgedApi, body: unknown): ResponseObservation {
  switch (api) {
    case 'openai-chat':
      return observeChatCompletion(body);
    case 'openai-responses':
      return observeResponse(body);
    case 'openai-embeddings':
      return observeOpenAiEmbeddings(body);
    case 'anthropic-messages':
      return observeMessage(body);
    case 'gemini-generate-content':
      return observeGenerateContent(body);
    case 'gemini-embeddings':
      return observeGeminiEmbeddings(body);
  }
}

/** A fresh observer for one streaming answer; feed it the events of an `SseParser`. */
export function createStreamObserver(api: BridgedApi): StreamObserver {
  switch (api) {
    case 'openai-chat':
      return new ChatStreamObserver();
    case 'openai-responses':
      return new ResponsesStreamObserver();
    case 'openai-embeddings':
      // The request inspector never takes an embeddings request for a streaming one.
      throw new Error('embeddings answers do not stream');
    case 'anthropic-messages':
      return new AnthropicStreamObserver();
    case 'gemini-generate-content':
    case 'gemini-embeddings':
      return new GeminiStreamObserver();
  }
}
