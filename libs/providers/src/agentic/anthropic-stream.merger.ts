import { isJsonObject, parseJsonObject, stringField, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { AssistantTurn } from './agentic.types';
import { sseText, type StreamMerger } from './stream-merger';
import { sumUsage } from './usage-sum';

interface BlockInProgress {
  block: JsonObject;
  /** `input_json_delta` fragments of a tool_use block. */
  partialJson: string;
  /** Index on the client's stream; undefined for a suppressed (injected tool_use) block. */
  clientIndex?: number;
}

/**
 * Anthropic messages: one `message_start` (the first iteration's), the content blocks of every iteration renumbered
 * into one sequence without the injected tool_use blocks, then one `message_delta` with the usage of all iterations
 * and one `message_stop`.
 */
export class AnthropicStreamMerger implements StreamMerger {
  private iteration = 1;
  private nextClientIndex = 0;
  private blocks = new Map<number, BlockInProgress>();
  private finishedBlocks: JsonObject[] = [];
  private iterationUsage: JsonObject = {};
  private readonly usages: JsonObject[] = [];
  private lastDelta: JsonObject = { stop_reason: 'end_turn', stop_sequence: null };

  constructor(private readonly isInjected: (toolName: string) => boolean) {}

  push(event: SseEvent): string {
    const data = parseJsonObject(event.data);
    if (!data) return sseText(event.data, event.event);
    switch (data.type) {
      case 'message_start': {
        const message = isJsonObject(data.message) ? data.message : {};
        this.iterationUsage = isJsonObject(message.usage) ? { ...message.usage } : {};
        return this.iteration === 1 ? sseText(event.data, event.event) : '';
      }
      case 'content_block_start':
        return this.startBlock(data);
      case 'content_block_delta':
        return this.deltaBlock(data);
      case 'content_block_stop':
        return this.stopBlock(data);
      case 'message_delta':
        if (isJsonObject(data.delta)) this.lastDelta = data.delta;
        if (isJsonObject(data.usage)) Object.assign(this.iterationUsage, data.usage);
        return '';
      case 'message_stop':
        return '';
      default:
        return sseText(event.data, event.event);
    }
  }

  nextIteration(): AssistantTurn {
    const content = this.finishedBlocks;
    this.closeIterationUsage();
    this.finishedBlocks = [];
    this.blocks = new Map();
    this.iteration += 1;
    return [{ role: 'assistant', content }];
  }

  finish(): string {
    this.closeIterationUsage();
    const delta = sseText(JSON.stringify({ type: 'message_delta', delta: this.lastDelta, usage: sumUsage(this.usages) }), 'message_delta');
    return delta + sseText(JSON.stringify({ type: 'message_stop' }), 'message_stop');
  }

  private closeIterationUsage(): void {
    this.usages.push(this.iterationUsage);
    this.iterationUsage = {};
  }

  private startBlock(data: JsonObject): string {
    const block = isJsonObject(data.content_block) ? { ...data.content_block } : {};
    const suppressed = block.type === 'tool_use' && this.isInjected(stringField(block.name) ?? '');
    const progress: BlockInProgress = { block, partialJson: '', clientIndex: suppressed ? undefined : this.nextClientIndex++ };
    this.blocks.set(indexOf(data), progress);
    return this.forward(progress, data);
  }

  private deltaBlock(data: JsonObject): string {
    const progress = this.blocks.get(indexOf(data));
    if (!progress) return '';
    const delta = isJsonObject(data.delta) ? data.delta : {};
    const block = progress.block;
    switch (delta.type) {
      case 'text_delta':
        block.text = `${stringField(block.text) ?? ''}${stringField(delta.text) ?? ''}`;
        break;
      case 'input_json_delta':
        progress.partialJson += stringField(delta.partial_json) ?? '';
        break;
      case 'thinking_delta':
        block.thinking = `${stringField(block.thinking) ?? ''}${stringField(delta.thinking) ?? ''}`;
        break;
      case 'signature_delta':
        block.signature = stringField(delta.signature) ?? '';
        break;
    }
    return this.forward(progress, data);
  }

  private stopBlock(data: JsonObject): string {
    const progress = this.blocks.get(indexOf(data));
    if (!progress) return '';
    if (progress.block.type === 'tool_use' && progress.partialJson !== '') {
      progress.block.input = parseJsonObject(progress.partialJson) ?? {};
    }
    this.finishedBlocks.push(progress.block);
    return this.forward(progress, data);
  }

  private forward(progress: BlockInProgress, data: JsonObject): string {
    if (progress.clientIndex === undefined) return '';
    const type = stringField(data.type) ?? '';
    return sseText(JSON.stringify({ ...data, index: progress.clientIndex }), type);
  }
}

function indexOf(data: JsonObject): number {
  return typeof data.index === 'number' ? data.index : 0;
}
