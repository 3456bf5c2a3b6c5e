import { isJsonObject, type JsonObject } from '../json-value';

/** The `anthropic_version` Bedrock's Messages API takes in the body (Anthropic's `anthropic-version` header is not read). */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

export type BedrockInvocation =
  | { ok: true; model: string; streaming: boolean; fields: JsonObject; body: Buffer }
  | { ok: false; reason: string };

/**
 * An Anthropic Messages request as a Bedrock `InvokeModel` body: the client's body without `model` and `stream` (the
 * model is in the URL, streaming is the endpoint), with `anthropic_version`, and the `anthropic-beta` header's values
 * moved into the body's `anthropic_beta` array (Bedrock reads betas only there).
 */
export function toBedrockInvocation(body: Buffer, anthropicBeta: string | undefined): BedrockInvocation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the request body is not valid JSON' };
  }
  if (!isJsonObject(parsed)) return { ok: false, reason: 'the request body must be a JSON object' };
  const { model, stream, ...rest } = parsed;
  if (typeof model !== 'string' || model === '') return { ok: false, reason: 'model: a model name is required' };
  const invocation: JsonObject = { anthropic_version: BEDROCK_ANTHROPIC_VERSION, ...rest };
  const betas = mergedBetas(rest.anthropic_beta, anthropicBeta);
  if (betas.length > 0) invocation.anthropic_beta = betas;
  return { ok: true, model, streaming: stream === true, fields: invocation, body: Buffer.from(JSON.stringify(invocation), 'utf8') };
}

function mergedBetas(inBody: unknown, header: string | undefined): string[] {
  const betas = Array.isArray(inBody) ? inBody.filter((beta): beta is string => typeof beta === 'string') : [];
  for (const beta of (header ?? '').split(',')) {
    const name = beta.trim();
    if (name !== '' && !betas.includes(name)) betas.push(name);
  }
  return betas;
}
