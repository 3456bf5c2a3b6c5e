import { z } from 'zod';

// Version 1 of the interception event contract, shared by the gateway (producer) and the recorder (consumer).
// Compatible changes within a version: new optional fields only (unknown fields are stripped, not rejected, so an
// older recorder keeps working). Anything else is a new schemaVersion with its own schema below.

const isoDateTime = z.iso.datetime({ offset: true });
const counter = z.number().int().nonnegative();
/** W3C trace-context carrier (`traceparent`, `tracestate`) propagated from the gateway request. */
const traceCarrier = z.record(z.string(), z.string());

export const interceptionStartedV1Schema = z.object({
  name: z.literal('interception.started'),
  schemaVersion: z.literal(1),
  interceptionId: z.uuid(),
  occurredAt: isoDateTime,
  trace: traceCarrier.optional(),
  initiatorId: z.string().min(1),
  providerType: z.enum(['openai', 'anthropic']),
  providerName: z.string().min(1),
  model: z.string(),
  streaming: z.boolean(),
  client: z.string(),
  userAgent: z.string(),
  credentialKind: z.enum(['centralized', 'byok']),
  // Where the credential came from (`request`/`stored` are `byok`, `pool` is `centralized`). Optional since it was
  // added within v1: a recorder reading an event without it derives it from `credentialKind`.
  credentialSource: z.enum(['request', 'stored', 'pool']).optional(),
  // The column is varchar(32): a hint is a short mask such as `sk-…abcd`, never a key.
  credentialHint: z.string().max(32),
  metadata: z.record(z.string(), z.unknown()),
});

export const tokenUsageSchema = z.object({
  providerResponseId: z.string(),
  inputTokens: counter,
  outputTokens: counter,
  cacheReadInputTokens: counter,
  cacheWriteInputTokens: counter,
  extra: z.record(z.string(), z.number()),
});

export const toolUsageSchema = z.object({
  providerResponseId: z.string(),
  tool: z.string(),
  toolCallId: z.string(),
  input: z.string(),
  injected: z.boolean(),
  // The MCP server that ran an injected tool; added within v1, so optional.
  server: z.string().optional(),
  invocationError: z.string().optional(),
});

export const interceptionEndedV1Schema = z.object({
  name: z.literal('interception.ended'),
  schemaVersion: z.literal(1),
  interceptionId: z.uuid(),
  occurredAt: isoDateTime,
  trace: traceCarrier.optional(),
  endedAt: isoDateTime,
  credentialHint: z.string().max(32),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
  tokenUsages: z.array(tokenUsageSchema),
  prompt: z.object({ providerResponseId: z.string(), text: z.string() }).optional(),
  toolUsages: z.array(toolUsageSchema),
});

export type InterceptionStarted = z.infer<typeof interceptionStartedV1Schema>;
export type InterceptionEnded = z.infer<typeof interceptionEndedV1Schema>;
export type InterceptionEvent = InterceptionStarted | InterceptionEnded;
export type InterceptionEventName = InterceptionEvent['name'];
export type InterceptionEventOf<Name extends InterceptionEventName> = Extract<InterceptionEvent, { name: Name }>;
export type TokenUsage = InterceptionEnded['tokenUsages'][number];
export type ToolUsage = InterceptionEnded['toolUsages'][number];

/** Every event name, in the order a batch must apply them (a parent row before its children). */
export const INTERCEPTION_EVENT_NAMES = ['interception.started', 'interception.ended'] as const satisfies readonly InterceptionEventName[];

/** The schema of each supported version of each event. */
export const interceptionEventSchemas = {
  'interception.started': { 1: interceptionStartedV1Schema },
  'interception.ended': { 1: interceptionEndedV1Schema },
} as const;
