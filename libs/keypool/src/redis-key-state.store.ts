import { openRedis, REDIS_PRESETS, type RedisTarget } from '@tollgate/platform';
import { systemClock, withTimeout, type Clock, type TimerHandle } from '@tollgate/time';
import type Redis from 'ioredis';
import type { KeyMark, KeyReason, KeyStateStore, KeyStatus } from './key-state';
import { mergeMark } from './key-state.merge';
import { KeyStateView } from './key-state.view';
import { keyFingerprintOf } from './model-scope';
import { ENABLE_KEY_SCRIPT, MARK_KEY_STATE_SCRIPT } from './key-state-mark.script';

/** The slice of a (pino) logger the store uses. */
export interface KeyStateLogger {
  info(payload: object, message: string): void;
  warn(payload: object, message: string): void;
}

export interface RedisKeyStateStoreOptions {
  /** A redis:// URL or ioredis options; the store's presets (`REDIS_PRESETS.keyState…`) apply on top. */
  redis: RedisTarget;
  /** Prefix of every Redis key and channel, e.g. `tollgate:`. */
  keyPrefix: string;
  logger?: KeyStateLogger;
  /** Called when the connection to Redis is lost or regained (not for the first successful connect). */
  onConnectivityChange?: (connected: boolean) => void;
  /** Computes cooldown TTLs for marks written later (after a reconnect); times `whenSynced` and resync retries. */
  clock?: Clock;
}

/** A write that has not reached Redis yet; `enable` first (it came earlier), then `mark`. */
interface PendingWrite {
  enable: boolean;
  mark?: KeyMark;
}

interface ChangeMessage {
  fingerprint: string;
  state: 'valid' | 'cooling' | 'disabled';
  reason?: KeyReason;
  until?: number;
}

const REASONS: readonly string[] = ['rate_limited', 'unauthorized', 'forbidden', 'model_denied'];
const RESYNC_RETRY_MS = 1000;

/**
 * Key state shared by every replica through Redis. Reads are served from a local mirror, kept current by a pub/sub
 * channel; marks apply locally at once and are written through in the background with an atomic Lua merge. While
 * Redis is unreachable the local view keeps working and local writes wait; on reconnect they are merged in and every
 * tracked key is reloaded, so all replicas converge.
 *
 * Redis holds only fingerprints (keyed hashes of the keys): `${keyPrefix}keypool:{fingerprint}` hashes with state,
 * reason and until, and change messages on `${keyPrefix}keypool:changes`.
 */
export class RedisKeyStateStore implements KeyStateStore {
  private readonly view = new KeyStateView();
  private readonly tracked = new Set<string>();
  private readonly pending = new Map<string, PendingWrite>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per fingerprint, the sequence number of the last local mark, so a reload does not undo a newer local mark. */
  private readonly localMarkSequence = new Map<string, number>();
  private markSequence = 0;
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly keyPrefix: string;
  private readonly channel: string;
  private readonly clock: Clock;
  private readonly logger?: KeyStateLogger;
  private readonly onConnectivityChange?: (connected: boolean) => void;
  private subscribed = false;
  /** undefined until the first connect or the first failure. */
  private connected: boolean | undefined;
  private lastError?: string;
  private resync?: Promise<void>;
  private resyncAgain = false;
  private resyncRetry?: TimerHandle;
  private closed = false;
  private markFirstSync!: () => void;
  private readonly firstSync = new Promise<void>((resolve) => (this.markFirstSync = resolve));

  constructor(options: RedisKeyStateStoreOptions) {
    this.keyPrefix = options.keyPrefix;
    this.channel = `${options.keyPrefix}keypool:changes`;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.onConnectivityChange = options.onConnectivityChange;
    this.commands = openRedis(options.redis, REDIS_PRESETS.keyStateCommands);
    this.subscriber = openRedis(options.redis, REDIS_PRESETS.keyStateSubscriber);

    this.commands.on('ready', () => this.linkUp());
    this.commands.on('close', () => this.linkDown());
    this.commands.on('error', (error: Error) => this.recordError(error));
    this.subscriber.on('ready', () => this.subscribe());
    this.subscriber.on('close', () => {
      this.subscribed = false;
      this.linkDown();
    });
    this.subscriber.on('error', (error: Error) => this.recordError(error));
    this.subscriber.on('message', (channel: string, message: string) => this.applyMessage(channel, message));
  }

  read(fingerprint: string, nowMs: number): KeyStatus {
    return this.view.read(fingerprint, nowMs);
  }

  mark(fingerprint: string, next: KeyMark, nowMs: number): { changed: boolean } {
    const { changed, updated } = this.view.merge(fingerprint, next, nowMs);
    if (!updated) return { changed };
    this.localMarkSequence.set(fingerprint, ++this.markSequence);
    this.queue(fingerprint, { enable: false, mark: next }, nowMs);
    if (this.commands.status === 'ready') this.background(this.writeThrough(fingerprint).catch(() => undefined));
    return { changed };
  }

  async enable(fingerprint: string): Promise<void> {
    this.view.delete(fingerprint);
    this.pending.set(fingerprint, { enable: true });
    if (this.commands.status === 'ready') {
      try {
        await this.background(this.writeThrough(fingerprint));
        return;
      } catch {
        // kept pending; reported below
      }
    }
    this.logger?.warn(
      { fingerprint: fingerprint.slice(0, 12) },
      'key state store: Redis unreachable, key enabled on this replica only until Redis is back',
    );
  }

  async track(fingerprints: string[]): Promise<void> {
    for (const fingerprint of fingerprints) this.tracked.add(fingerprint);
    if (this.connected) await this.background(this.reload(fingerprints)).catch((error: Error) => this.recordError(error));
  }

  async whenSynced(timeoutMs: number): Promise<boolean> {
    const synced = await withTimeout(this.firstSync.then(() => true as const), timeoutMs, () => false as const, this.clock);
    // Keys tracked after the first sync are loaded by their own reload, still in flight.
    if (synced) await Promise.allSettled([...this.inFlight]);
    return synced;
  }

  health(): { shared: boolean; connected: boolean; detail?: string } {
    if (this.connected) return { shared: true, connected: true };
    const detail = this.linksUp()
      ? 'resynchronising key state with Redis'
      : this.lastError
        ? `Redis unreachable, serving key state from the local view: ${this.lastError}`
        : 'connecting to Redis';
    return { shared: true, connected: false, detail };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clock.clearTimeout(this.resyncRetry);
    await Promise.allSettled([...this.inFlight]);
    await Promise.all([disconnect(this.commands), disconnect(this.subscriber)]);
  }

  private key(fingerprint: string): string {
    return `${this.keyPrefix}keypool:${fingerprint}`;
  }

  private background<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private queue(fingerprint: string, write: PendingWrite, nowMs: number): void {
    const earlier = this.pending.get(fingerprint);
    this.pending.set(fingerprint, earlier ? combine(earlier, write, nowMs) : write);
  }

  /** Sends the pending write of one fingerprint; on failure it goes back in the queue for the next resync. */
  private async writeThrough(fingerprint: string): Promise<void> {
    const write = this.pending.get(fingerprint);
    if (!write) return;
    this.pending.delete(fingerprint);
    try {
      await this.send(fingerprint, write);
    } catch (error) {
      const later = this.pending.get(fingerprint);
      this.pending.set(fingerprint, later ? combine(write, later, this.clock.now()) : write);
      this.recordError(error as Error);
      throw error;
    }
  }

  private async send(fingerprint: string, write: PendingWrite): Promise<void> {
    if (write.enable) {
      const message: ChangeMessage = { fingerprint, state: 'valid' };
      await this.commands.eval(ENABLE_KEY_SCRIPT, 1, this.key(fingerprint), this.channel, JSON.stringify(message));
      // Done: if the mark below fails, the retry must not delete what other replicas wrote since.
      write.enable = false;
    }
    const mark = write.mark;
    if (!mark) return;
    const ttlMs = mark.state === 'cooling' ? (mark.until ?? 0) - this.clock.now() : 0;
    if (mark.state === 'cooling' && ttlMs <= 0) return;
    const message: ChangeMessage = { fingerprint, ...mark };
    const reply = (await this.commands.eval(
      MARK_KEY_STATE_SCRIPT,
      1,
      this.key(fingerprint),
      mark.state,
      mark.reason,
      String(mark.until ?? ''),
      String(ttlMs),
      this.channel,
      JSON.stringify(message),
    )) as [number, string | null, string | null, string | null];
    // Redis may know a stricter state (another replica got there first): catch up with it.
    const stored = parseEntry(reply[1], reply[2], reply[3]);
    if (stored) this.view.merge(fingerprint, stored, this.clock.now());
  }

  private subscribe(): void {
    this.subscriber
      .subscribe(this.channel)
      .then(() => {
        this.subscribed = true;
        this.linkUp();
      })
      .catch((error: Error) => this.recordError(error));
  }

  private linksUp(): boolean {
    return this.commands.status === 'ready' && this.subscribed;
  }

  /** Both connections up (the other one may still be on its way): time to resynchronise. */
  private linkUp(): void {
    if (!this.closed && this.linksUp()) this.startResync();
  }

  private linkDown(): void {
    this.setConnected(false);
  }

  /** Pending local writes go to Redis first, then every tracked key is reloaded; runs one at a time. */
  private startResync(): void {
    if (this.resync) {
      this.resyncAgain = true;
      return;
    }
    this.clock.clearTimeout(this.resyncRetry);
    this.resync = this.background(this.runResync()).finally(() => {
      this.resync = undefined;
    });
  }

  private async runResync(): Promise<void> {
    let synced = false;
    do {
      this.resyncAgain = false;
      try {
        await this.flushPending();
        await this.reload([...this.tracked]);
        synced = true;
      } catch (error) {
        this.recordError(error as Error);
        synced = false;
      }
    } while (this.resyncAgain && !this.closed);
    if (this.closed) return;
    if (synced && this.linksUp()) {
      this.setConnected(true);
    } else if (this.linksUp()) {
      this.resyncRetry = this.clock.setTimeout(() => this.startResync(), RESYNC_RETRY_MS, { background: true });
    }
  }

  private async flushPending(): Promise<void> {
    const fingerprints = [...this.pending.keys()];
    const results = await Promise.allSettled(fingerprints.map((fingerprint) => this.writeThrough(fingerprint)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async reload(fingerprints: string[]): Promise<void> {
    if (fingerprints.length === 0) return;
    const sequenceAtStart = this.markSequence;
    const pipeline = this.commands.pipeline();
    for (const fingerprint of fingerprints) pipeline.hmget(this.key(fingerprint), 'state', 'reason', 'until');
    const replies = (await pipeline.exec()) ?? [];
    const nowMs = this.clock.now();
    fingerprints.forEach((fingerprint, index) => {
      const [error, fields] = replies[index] ?? [new Error('no reply')];
      if (error) throw error;
      const [state, reason, until] = fields as Array<string | null>;
      const stored = parseEntry(state, reason, until);
      if ((this.localMarkSequence.get(fingerprint) ?? 0) > sequenceAtStart) {
        if (stored) this.view.merge(fingerprint, stored, nowMs);
      } else {
        this.view.replace(fingerprint, stored);
      }
    });
  }

  private applyMessage(channel: string, raw: string): void {
    if (channel !== this.channel) return;
    const message = parseMessage(raw);
    // A key's per-model entries (model-scope.ts) follow their key: they are not tracked one by one.
    if (!message || !this.tracked.has(keyFingerprintOf(message.fingerprint))) return;
    if (message.state === 'valid') {
      this.view.delete(message.fingerprint);
      return;
    }
    const entry = parseEntry(message.state, message.reason ?? null, message.until === undefined ? null : String(message.until));
    if (entry) this.view.merge(message.fingerprint, entry, this.clock.now());
  }

  private setConnected(connected: boolean): void {
    if (this.closed || this.connected === connected) return;
    const first = this.connected === undefined;
    this.connected = connected;
    if (connected) {
      this.markFirstSync();
      this.lastError = undefined;
      this.logger?.info({}, first ? 'key state store: connected to Redis' : 'key state store: Redis is back, key state resynchronised');
      if (first) return;
    } else {
      this.logger?.warn({ error: this.lastError }, 'key state store: Redis unreachable, serving key state from the local view');
    }
    this.onConnectivityChange?.(connected);
  }

  private recordError(error: Error): void {
    this.lastError = error.message;
  }
}

async function disconnect(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    await connection.quit().catch(() => connection.disconnect());
  } else {
    connection.disconnect();
  }
}

/** `earlier` then `later` as one write: a later enable wins outright, marks merge. */
function combine(earlier: PendingWrite, later: PendingWrite, nowMs: number): PendingWrite {
  if (later.enable) return later;
  if (!later.mark) return earlier;
  return { enable: earlier.enable, mark: earlier.mark ? (mergeMark(earlier.mark, later.mark, nowMs).result ?? later.mark) : later.mark };
}

function parseEntry(state: string | null, reason: string | null, until: string | null): KeyMark | undefined {
  if (!reason || !REASONS.includes(reason)) return undefined;
  if (state === 'disabled') return { state: 'disabled', reason: reason as KeyReason };
  const untilMs = Number(until);
  if (state === 'cooling' && until && Number.isFinite(untilMs)) return { state: 'cooling', reason: reason as KeyReason, until: untilMs };
  return undefined;
}

function parseMessage(raw: string): ChangeMessage | undefined {
  try {
    const message = JSON.parse(raw) as Partial<ChangeMessage>;
    if (typeof message.fingerprint !== 'string') return undefined;
    if (message.state !== 'valid' && message.state !== 'cooling' && message.state !== 'disabled') return undefined;
    return message as ChangeMessage;
  } catch {
    return undefined;
  }
}
