import { isJsonObject, stringField } from '../json-value';
import type { ResponseObservation } from './observation.types';
import { embeddingsTokenUsage } from './token-usage.mapper';
import { readUpstreamError } from './upstream-error.reader';

/**
 * A `POST /embeddings` answer (OpenAI and Azure OpenAI alike): `usage.prompt_tokens` is all the usage there is, and
 * the answer has no id. The vectors are not read.
 */
export function observeEmbeddings(body: unknown): ResponseObservation {
  const observation: ResponseObservation = { tokenUsages: [], toolCalls: [] };
  if (!isJsonObject(body)) return observation;
  const error = readUpstreamError(body.error, 'upstream_error');
  if (error) observation.error = error;
  observation.model = stringField(body.model);
  if (isJsonObject(body.usage)) observation.tokenUsages.push(embeddingsTokenUsage(body.usage));
  return observation;
}
