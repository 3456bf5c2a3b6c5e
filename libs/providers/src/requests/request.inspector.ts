import { BRIDGED_API_TRAITS, type BridgedApi } from '../provider-type';
import { isJsonObject, type JsonObject } from '../json-value';
import { lastUserPrompt } from './last-user-prompt';
import { toolNames } from './tool-names';

export type RequestInspection =
  | { ok: true; model: string; stream: boolean; tools: string[]; lastUserPrompt?: string; body: JsonObject }
  | { ok: false; reason: string };

/** Longest model name accepted: it is recorded, indexed and used as a metric label. */
export const MAX_MODEL_LENGTH = 256;

/** Reads what the gateway needs from a bridged request body; the body itself is forwarded untouched. */
export function inspectRequest(api: BridgedApi, body: Buffer): RequestInspection {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // The parser's message quotes the body; it is not repeated back.
    return { ok: false, reason: 'request body is not valid JSON' };
  }
  if (!isJsonObject(parsed)) return { ok: false, reason: 'request body must be a JSON object' };
  if (typeof parsed.model !== 'string' || parsed.model === '') {
    return { ok: false, reason: 'request body must have a "model" string' };
  }
  if (parsed.model.length > MAX_MODEL_LENGTH) {
    return { ok: false, reason: `"model" must be at most ${MAX_MODEL_LENGTH} characters` };
  }
  return {
    ok: true,
    model: parsed.model,
    // An API whose answers never stream (embeddings) is served blocking whatever `stream` says.
    stream: parsed.stream === true && BRIDGED_API_TRAITS[api].conversational,
    tools: toolNames(parsed),
    lastUserPrompt: lastUserPrompt(api, parsed),
    body: parsed,
  };
}
