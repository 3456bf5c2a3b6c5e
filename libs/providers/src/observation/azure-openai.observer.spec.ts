import { AZURE_CHAT_COMPLETION, AZURE_CHAT_STREAM, AZURE_CONTENT_FILTER_ERROR, AZURE_RATE_LIMIT_ERROR, AZURE_RESPONSE, AZURE_RESPONSE_STREAM } from '@tollgate/testing';
import { observeBytes } from './fixtures/sse-stream.fixture';
import { createStreamObserver, observeBlocking } from './response.observer';

describe("Azure OpenAI answers (Microsoft's documented shapes) through the OpenAI observers", () => {
  it('blocking chat: usage with cached tokens; content filter results are not usage', () => {
    expect(observeBlocking('openai-chat', JSON.parse(AZURE_CHAT_COMPLETION.body))).toEqual({
      responseId: 'chatcmpl-AIuTq4Y1sN0kX9bZ2cV3dE5fG6hJ7',
      model: 'gpt-4o-2024-08-06',
      tokenUsages: [{ providerResponseId: 'chatcmpl-AIuTq4Y1sN0kX9bZ2cV3dE5fG6hJ7', inputTokens: 130, outputTokens: 13, cacheReadInputTokens: 1920, cacheWriteInputTokens: 0, extra: {} }],
      toolCalls: [],
    });
  });

  it.each([undefined, 7, 64])('streaming chat (chunks of %s bytes): the empty first chunk does not hide the id and model', (chunkSize) => {
    const observed = observeBytes(createStreamObserver('openai-chat'), Buffer.from(AZURE_CHAT_STREAM.body), chunkSize);
    expect(observed).toEqual({
      responseId: 'chatcmpl-AIuTr5Z2tO1lY0cA3dW4eF6gH7iK8',
      model: 'gpt-4o-2024-08-06',
      tokenUsages: [{ providerResponseId: 'chatcmpl-AIuTr5Z2tO1lY0cA3dW4eF6gH7iK8', inputTokens: 9, outputTokens: 4, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} }],
      toolCalls: [],
      error: undefined,
    });
  });

  it('Responses: usage as on OpenAI (the model field holds the deployment name)', () => {
    expect(observeBlocking('openai-responses', JSON.parse(AZURE_RESPONSE.body))).toMatchObject({
      responseId: 'resp_67cb32528d6881909eb2859a55e18a85',
      tokenUsages: [expect.objectContaining({ inputTokens: 20, outputTokens: 11 })],
    });
  });

  it('Responses streaming: usage from response.completed, the last sequence number kept', () => {
    const observed = observeBytes(createStreamObserver('openai-responses'), Buffer.from(AZURE_RESPONSE_STREAM.body), 13);
    expect(observed).toMatchObject({
      responseId: 'resp_68a1f3e2b4c08190a7d3e5f6a7b8c9d0',
      tokenUsages: [expect.objectContaining({ inputTokens: 11, outputTokens: 4 })],
      lastSequenceNumber: 9,
    });
  });

  it("errors: Azure's `code` stands for the missing type", () => {
    expect(observeBlocking('openai-chat', JSON.parse(AZURE_RATE_LIMIT_ERROR.body)).error).toEqual({ type: '429', message: expect.stringContaining('exceeded token rate limit') });
    expect(observeBlocking('openai-chat', JSON.parse(AZURE_CONTENT_FILTER_ERROR.body)).error).toEqual({ type: 'content_filter', message: expect.stringContaining('content management policy') });
  });
});
