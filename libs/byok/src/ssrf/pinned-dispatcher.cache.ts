import type { Agent } from 'undici';
import type { ResolvedAddress } from './endpoint.resolver';
import { createPinnedDispatcher, type PinnedDispatcherOptions } from './pinned-dispatcher';

export interface PinnedDispatcherCacheOptions {
  /** Most agents kept; the least recently used is closed beyond it. Keep it well above concurrent endpoints. */
  maxEntries: number;
  /** An agent unused for this long is closed. */
  idleTtlMs: number;
  dispatcher: PinnedDispatcherOptions;
}

interface Entry {
  dispatcher: Agent;
  lastUsedAt: number;
}

/**
 * Pinned agents by (origin, address), so requests to the same validated endpoint share keep-alive connections.
 * The address is part of the key: when DNS moves an endpoint to another allowed address, it gets a new agent.
 * Closing is graceful: an evicted agent finishes the requests it already has.
 */
export class PinnedDispatcherCache {
  // Map order is recency order: a hit is re-inserted at the end, so the first entry is the least recently used.
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: PinnedDispatcherCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  dispatcherFor(url: URL, address: ResolvedAddress): Agent {
    const now = Date.now();
    this.closeIdle(now);
    const key = `${url.origin} ${address.address}`;
    const entry = this.entries.get(key) ?? { dispatcher: this.create(url, address), lastUsedAt: now };
    entry.lastUsedAt = now;
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const [oldestKey] of this.entries) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.evict(oldestKey);
    }
    return entry.dispatcher;
  }

  async close(): Promise<void> {
    const dispatchers = [...this.entries.values()].map(({ dispatcher }) => dispatcher);
    this.entries.clear();
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
  }

  private create(url: URL, address: ResolvedAddress): Agent {
    return createPinnedDispatcher(url, address, this.options.dispatcher);
  }

  private closeIdle(now: number): void {
    for (const [key, { lastUsedAt }] of this.entries) {
      if (now - lastUsedAt < this.options.idleTtlMs) break;
      this.evict(key);
    }
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    // Nobody awaits an evicted agent; a failure to close it must not become an unhandled rejection.
    entry?.dispatcher.close().catch(() => undefined);
  }
}
