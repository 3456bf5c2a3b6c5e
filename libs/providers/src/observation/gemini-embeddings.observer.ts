import { isJsonObject } from '../json-value';
import type { ResponseObservation } from './observation.types';
import { geminiTokenUsage } from './token-usage.mapper';

/**
 * An `embedContent` (`{embedding}`) or `batchEmbedContents` (`{embeddings: [...]}`) body. The Gemini API reports no
 * usage for embeddings: a body without `usageMetadata` gives no token usage (the record says so rather than guess).
 * Should one carry `usageMetadata` (as Vertex AI's does), its counts are recorded.
 */
export function observeEmbeddings(body: unknown): ResponseObservation {
  const observation: ResponseObservation = { tokenUsages: [], toolCalls: [] };
  if (!isJsonObject(body)) return observation;
  if (isJsonObject(body.usageMetadata)) observation.tokenUsages.push(geminiTokenUsage('', body.usageMetadata));
  return observation;
}
