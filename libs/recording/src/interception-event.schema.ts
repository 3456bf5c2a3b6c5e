import { z } from 'zod';

// Version 1 of the interception event contract, shared by the gateway (producer) and the recorder (consumer).
// Compatible changes within a version: new optional fields only (unknown fields are stripped, not rejected, so an
// older recorder keeps working). Anything else is a new schemaVersion with its own schema below.

const isoDateTime = z.iso.datetime({ offset: true });

/** The longest value recorded for each string the client or the upstream chooses, in characters. */
export const RECORDED_TEXT_LIMITS = {
  identifier: 256,
  client: 64,
  userAgent: 512,
  errorType: 128,
  errorMessage: 4_096,
  /** A prompt, a tool call's input or an invocation error. */
  content: 256 * 1024,
} as const;

/** The largest token count recorded. */
export const MAX_RECORDED_COUNT = 1e12;

// The recorder's door: a value past its limit is cut (an out-of-range count clamped) rather than refused, so one odd
// request can neither outgrow a column or an index row (SQLSTATE 54000) nor leave its interception unrecorded.
const recordedText = (max: number) => z.string().transform((value) => truncate(value, max));
const counter = z.number().transform((value) => Math.min(MAX_RECORDED_COUNT, Math.max(0, Math.floor(value))));

function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.charCodeAt(max - 1);
  return value.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max); // never half a surrogate pair
}

const { identifier } = RECORDED_TEXT_LIMITS;
/** W3C trace-context carrier (`traceparent`, `tracestate`) propagated from the gateway request. */
const traceCarrier = z.record(z.string(), z.string());

export const interceptionStartedV1Schema = z.object({
  name: z.literal('interception.started'),
  schemaVersion: z.literal(1),
  interceptionId: z.uuid(),
  occurredAt: isoDateTime,
  trace: traceCarrier.optional(),
  initiatorId: z.string().min(1).transform((value) => truncate(value, identifier)),
  providerType: z.enum(['openai', 'anthropic', 'gemini']),
  providerName: z.string().min(1).transform((value) => truncate(value, identifier)),
  model: recordedText(identifier),
  // The model alias the client asked for (routing.aliases); then providerName and model are its first target's.
  // Added within v1, so optional: absent when the client named a model.
  requestedModel: recordedText(identifier).optional(),
  streaming: z.boolean(),
  client: recordedText(RECORDED_TEXT_LIMITS.client),
  userAgent: recordedText(RECORDED_TEXT_LIMITS.userAgent),
  credentialKind: z.enum(['centralized', 'byok']),
  // Where the credential came from (`request`/`stored` are `byok`, `pool` is `centralized`). Optional since it was
  // added within v1: a recorder reading an event without it derives it from `credentialKind`.
  credentialSource: z.enum(['request', 'stored', 'pool']).optional(),
  // The column is varchar(32): a hint is a short mask such as `sk-…abcd`, never a key.
  credentialHint: z.string().max(32),
  metadata: z.record(z.string(), z.unknown()),
});

export const tokenUsageSchema = z.object({
  providerResponseId: recordedText(identifier),
  inputTokens: counter,
  outputTokens: counter,
  cacheReadInputTokens: counter,
  cacheWriteInputTokens: counter,
  extra: z.record(z.string(), z.number()),
});

export const toolUsageSchema = z.object({
  providerResponseId: recordedText(identifier),
  tool: recordedText(identifier),
  toolCallId: recordedText(identifier),
  input: recordedText(RECORDED_TEXT_LIMITS.content),
  injected: z.boolean(),
  // The MCP server that ran an injected tool; added within v1, so optional.
  server: recordedText(identifier).optional(),
  invocationError: recordedText(RECORDED_TEXT_LIMITS.content).optional(),
});

export const interceptionEndedV1Schema = z.object({
  name: z.literal('interception.ended'),
  schemaVersion: z.literal(1),
  interceptionId: z.uuid(),
  occurredAt: isoDateTime,
  trace: traceCarrier.optional(),
  endedAt: isoDateTime,
  credentialHint: z.string().max(32),
  // The provider instance and model that served a model alias (or the last one tried), when the client asked for an
  // alias: the row's provider and model become these, and its tokens are priced at them. Added within v1, so optional.
  served: z
    .object({
      providerName: z.string().min(1).transform((value) => truncate(value, identifier)),
      model: recordedText(identifier),
    })
    .optional(),
  error: z.object({ type: recordedText(RECORDED_TEXT_LIMITS.errorType), message: recordedText(RECORDED_TEXT_LIMITS.errorMessage) }).optional(),
  tokenUsages: z.array(tokenUsageSchema),
  prompt: z.object({ providerResponseId: recordedText(identifier), text: recordedText(RECORDED_TEXT_LIMITS.content) }).optional(),
  toolUsages: z.array(toolUsageSchema),
});

export type InterceptionStarted = z.infer<typeof interceptionStartedV1Schema>;
export type InterceptionEnded = z.infer<typeof interceptionEndedV1Schema>;
export type InterceptionEvent = InterceptionStarted | InterceptionEnded;
export type InterceptionEventName = InterceptionEvent['name'];
export type TokenUsage = InterceptionEnded['tokenUsages'][number];
export type ToolUsage = InterceptionEnded['toolUsages'][number];

/** Every event name, in the order a batch must apply them (a parent row before its children). */
export const INTERCEPTION_EVENT_NAMES = ['interception.started', 'interception.ended'] as const satisfies readonly InterceptionEventName[];

/** The schema of each supported version of each event. */
export const interceptionEventSchemas = {
  'interception.started': { 1: interceptionStartedV1Schema },
  'interception.ended': { 1: interceptionEndedV1Schema },
} as const;
