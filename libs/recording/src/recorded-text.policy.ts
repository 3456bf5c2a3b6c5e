import type { InterceptionEnded } from './interception-event.schema';

/** How much prompt and tool-call text an interception records (config `recording.prompts`). */
export const PROMPT_RECORDING_MODES = ['full', 'truncated', 'off'] as const;
export type PromptRecordingMode = (typeof PROMPT_RECORDING_MODES)[number];

/** `full` still stops here: one pasted file must not become a megabyte row. */
export const FULL_TEXT_MAX_CHARS = 32_768;
/** `truncated` keeps this much: enough to tell what a request was about. */
export const TRUNCATED_TEXT_CHARS = 256;

/** The part of `text` that may be recorded under `mode`; undefined under `off`. */
export function recordableText(text: string, mode: PromptRecordingMode): string | undefined {
  if (mode === 'off') return undefined;
  return headOf(text, mode === 'full' ? FULL_TEXT_MAX_CHARS : TRUNCATED_TEXT_CHARS);
}

/** What stands for a tool's error text under `off`: the call still reads as failed, its output is not kept. */
export const UNRECORDED_ERROR_TEXT = 'not recorded (recording.prompts: off)';

/**
 * The `ended` event as it may be recorded: its prompt, each tool call's arguments and each tool's error text (a tool's
 * output) cut, or removed, under `mode`. Applied before the event is queued, so text that will not be stored never
 * leaves the gateway.
 */
export function applyPromptPolicy(ended: InterceptionEnded, mode: PromptRecordingMode): InterceptionEnded {
  const promptText = ended.prompt && recordableText(ended.prompt.text, mode);
  return {
    ...ended,
    prompt: ended.prompt && promptText !== undefined ? { ...ended.prompt, text: promptText } : undefined,
    toolUsages: ended.toolUsages.map((usage) => ({
      ...usage,
      input: recordableText(usage.input, mode) ?? '',
      ...(usage.invocationError === undefined ? {} : { invocationError: recordableText(usage.invocationError, mode) ?? UNRECORDED_ERROR_TEXT }),
    })),
  };
}

function headOf(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars);
  // A cut between the two halves of a surrogate pair would leave text Postgres refuses.
  const last = head.charCodeAt(head.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
}
