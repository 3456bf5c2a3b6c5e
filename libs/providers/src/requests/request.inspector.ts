import { BRIDGED_API_TRAITS, type BridgedApi } from '../provider-type';
import { isJsonObject, type JsonObject } from '../json-value';
import { lastUserPrompt } from './last-user-prompt';
import { toolNames } from './tool-names';

export type RequestInspection =
  | { ok: true; model: string; stream: boolean; tools: string[]; lastUserPrompt?: string; body: JsonObject }
  | { ok: false; reason: string };

/** Longest model name accepted: it is recorded, indexed and used as a metric label. */
export const MAX_MODEL_LENGTH = 256;

/** What the path says of a bridged request whose route names the model (Gemini): the body then names neither. */
export interface PathFacts {
  model: string;
  stream: boolean;
}

/**
 * Reads what the gateway needs from a bridged request body; the body itself is forwarded untouched. `fromPath`: the
 * model and streaming as the path and query say (Gemini), instead of the body's `model` and `stream`.
 */
export function inspectRequest(api: BridgedApi, body: Buffer, fromPath?: PathFacts): RequestInspection {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // The parser's message quotes the body; it is not repeated back.
    return { ok: false, reason: 'request body is not valid JSON' };
  }
  if (!isJsonObject(parsed)) return { ok: false, reason: 'request body must be a JSON object' };
  const model = fromPath ? fromPath.model : parsed.model;
  if (typeof model !== 'string' || model === '') {
    return { ok: false, reason: fromPath ? 'the path must name a model' : 'request body must have a "model" string' };
  }
  if (model.length > MAX_MODEL_LENGTH) {
    return { ok: false, reason: `"model" must be at most ${MAX_MODEL_LENGTH} characters` };
  }
  return {
    ok: true,
    model,
    // Gemini streams on its own route; an API whose answers never stream (embeddings) is served blocking whatever
    // `stream` says.
    stream: fromPath ? fromPath.stream : parsed.stream === true && BRIDGED_API_TRAITS[api].conversational,
    tools: toolNames(parsed),
    lastUserPrompt: lastUserPrompt(api, parsed),
    body: parsed,
  };
}
