import type { BridgedApi } from '../provider-type';
import { isJsonObject, type JsonObject } from '../json-value';

/**
 * The text of the latest user turn that has text: chat and Anthropic `messages` with `role: "user"` (string
 * content or the text parts/blocks joined with `\n`; Anthropic `tool_result` blocks are not the user's words),
 * Responses `input` as a string or its latest user message item. A user turn holding only tool results (an
 * Anthropic agentic continuation) is skipped, so every API reports the human's last prompt. Gemini: the latest user
 * `contents` turn's text parts. Embeddings: the input's text (OpenAI `input` strings; Gemini's `content` parts, of
 * every request of a batch), joined with `\n`.
 */
export function lastUserPrompt(api: BridgedApi, body: JsonObject): string | undefined {
  if (api === 'gemini-generate-content') return lastGeminiUserText(body.contents);
  if (api === 'gemini-embeddings') return geminiEmbeddingText(body);
  if (api === 'openai-embeddings') return embeddingsInputText(body.input);
  if (api === 'openai-responses' && typeof body.input === 'string') return body.input;
  const turns = api === 'openai-responses' ? body.input : body.messages;
  if (!Array.isArray(turns)) return undefined;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn: unknown = turns[i];
    if (!isJsonObject(turn) || turn.role !== 'user') continue;
    const text = textOf(turn.content);
    if (text !== undefined) return text;
  }
  return undefined;
}

/**
 * Gemini `contents`: the latest turn with role `user` (or none: a lone turn's default) whose `parts` hold text; a
 * turn of only `functionResponse` parts is a tool result, not the user's words.
 */
function lastGeminiUserText(contents: unknown): string | undefined {
  if (!Array.isArray(contents)) return undefined;
  for (let i = contents.length - 1; i >= 0; i--) {
    const turn: unknown = contents[i];
    if (!isJsonObject(turn) || (turn.role !== undefined && turn.role !== 'user') || !Array.isArray(turn.parts)) continue;
    let text: string | undefined;
    for (const part of turn.parts) {
      if (isJsonObject(part) && typeof part.text === 'string') text = text === undefined ? part.text : `${text}\n${part.text}`;
    }
    if (text !== undefined) return text;
  }
  return undefined;
}

const TEXT_PART_TYPES = new Set(['text', 'input_text']);

function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text: string | undefined;
  for (const part of content) {
    if (isJsonObject(part) && typeof part.text === 'string' && TEXT_PART_TYPES.has(part.type as string)) {
      text = text === undefined ? part.text : `${text}\n${part.text}`;
    }
  }
  return text;
}

/**
 * What an embeddings request embeds, as recorded text: a string as is, the strings of an array joined with `\n`
 * (the recording policy then cuts it); token-id arrays are not text and record nothing.
 */
function embeddingsInputText(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return undefined;
  const texts = input.filter((item): item is string => typeof item === 'string');
  return texts.length === 0 ? undefined : texts.join('\n');
}

/** The text parts of an `embedContent` body's `content`, or of every `batchEmbedContents` request's. */
function geminiEmbeddingText(body: JsonObject): string | undefined {
  const contents = Array.isArray(body.requests) ? body.requests.map((request) => (isJsonObject(request) ? request.content : undefined)) : [body.content];
  const texts: string[] = [];
  for (const content of contents) {
    if (!isJsonObject(content) || !Array.isArray(content.parts)) continue;
    for (const part of content.parts) if (isJsonObject(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.length === 0 ? undefined : texts.join('\n');
}
