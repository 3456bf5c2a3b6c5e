import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { FULL_TEXT_MAX_CHARS, TRUNCATED_TEXT_CHARS, UNRECORDED_ERROR_TEXT, applyPromptPolicy, recordableText } from './recorded-text.policy';

describe('recorded text policy', () => {
  const long = 'x'.repeat(FULL_TEXT_MAX_CHARS + 10);

  it('full keeps text up to the cap and cuts what is longer', () => {
    expect(recordableText('short prompt', 'full')).toBe('short prompt');
    expect(recordableText(long, 'full')).toHaveLength(FULL_TEXT_MAX_CHARS);
  });

  it('truncated keeps the head only; off keeps nothing', () => {
    expect(recordableText(long, 'truncated')).toBe('x'.repeat(TRUNCATED_TEXT_CHARS));
    expect(recordableText('short', 'truncated')).toBe('short');
    expect(recordableText('anything', 'off')).toBeUndefined();
  });

  it('never cuts a surrogate pair in half', () => {
    const text = 'a'.repeat(TRUNCATED_TEXT_CHARS - 1) + '😀 and more';
    const kept = recordableText(text, 'truncated') ?? '';
    expect(kept).toBe('a'.repeat(TRUNCATED_TEXT_CHARS - 1));
    expect(() => encodeURIComponent(kept)).not.toThrow(); // throws on a lone surrogate
  });

  it('applies to the prompt and every tool call input of an ended event, leaving the rest as it was', () => {
    const ended = buildEndedEvent(buildStartedEvent(), {
      prompt: { providerResponseId: 'resp-1', text: long },
      toolUsages: [{ providerResponseId: 'resp-1', tool: 'search', toolCallId: 'call_1', input: long, injected: true, server: 'docs' }],
    });
    const truncated = applyPromptPolicy(ended, 'truncated');
    expect(truncated.prompt).toEqual({ providerResponseId: 'resp-1', text: 'x'.repeat(TRUNCATED_TEXT_CHARS) });
    expect(truncated.toolUsages).toEqual([{ ...ended.toolUsages[0], input: 'x'.repeat(TRUNCATED_TEXT_CHARS) }]);
    expect(truncated.tokenUsages).toEqual(ended.tokenUsages);

    const off = applyPromptPolicy(ended, 'off');
    expect(off.prompt).toBeUndefined();
    expect(off.toolUsages).toEqual([{ ...ended.toolUsages[0], input: '' }]);
    expect(JSON.stringify(off)).not.toContain('xxxx');
  });

  it("cuts a tool's error text (its output) the same way; off keeps only that it failed", () => {
    const failed = { providerResponseId: 'resp-1', tool: 'search', toolCallId: 'call_1', input: '{}', injected: true, invocationError: `leaked ${'e'.repeat(500)}` };
    const ended = buildEndedEvent(buildStartedEvent(), { toolUsages: [failed, { ...failed, toolCallId: 'call_2', invocationError: undefined }] });
    expect(applyPromptPolicy(ended, 'full').toolUsages[0].invocationError).toBe(failed.invocationError);
    expect(applyPromptPolicy(ended, 'truncated').toolUsages[0].invocationError).toHaveLength(TRUNCATED_TEXT_CHARS);
    const off = applyPromptPolicy(ended, 'off').toolUsages;
    expect(off[0].invocationError).toBe(UNRECORDED_ERROR_TEXT);
    expect(off[1].invocationError).toBeUndefined(); // a call that succeeded stays one
  });
});
