import type { ByokMode, GatewayTokenRecord, IdentityStore, StoredProviderKeyRecord, UserEntry, UserRecord } from './identity.store';

export interface DirectoryLogger {
  warn(context: object, message: string): void;
}

export interface IdentityDirectoryOptions {
  /** How often replicas look for changes made elsewhere (a revocation is effective within about this long). */
  pollIntervalMs: number;
  logger: DirectoryLogger;
  /** How many changes one poll reads at most (more are read by the next polls). */
  changesPerPoll?: number;
}

export interface TokenOwner {
  userId: string;
  tokenId: string;
}

const keyOf = (userId: string, providerName: string) => `${userId}\u0000${providerName}`;

/**
 * The gateway's in-memory view of users, gateway tokens (by hash) and sealed provider keys, so that no request
 * costs a database round trip. It loads a snapshot at start, then follows the store's change log: every poll
 * reloads the users that changed. A replica that made a change refreshes that user at once (`refreshUser`).
 * If the database is unreachable it keeps serving its last view and says so (`lastError`).
 */
export class IdentityDirectory {
  private readonly users = new Map<string, UserRecord>();
  private readonly tokens = new Map<string, TokenOwner>();
  private readonly tokenHashesByUser = new Map<string, string[]>();
  /** userId → providerName → key. */
  private readonly keys = new Map<string, Map<string, StoredProviderKeyRecord>>();
  private readonly keyUses = new Map<string, { userId: string; providerName: string; at: Date }>();
  private version = '0';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  lastError: Error | undefined;
  lastSyncAt: Date | undefined;

  constructor(
    private readonly store: IdentityStore,
    private readonly options: IdentityDirectoryOptions,
  ) {}

  async start(): Promise<void> {
    const snapshot = await this.store.loadSnapshot();
    for (const user of snapshot.users) this.users.set(user.id, user);
    const tokensByUser = groupByUser(snapshot.tokens);
    for (const [userId, tokens] of tokensByUser) this.replaceTokens(userId, tokens);
    for (const [userId, keys] of groupByUser(snapshot.keys)) this.replaceKeys(userId, keys);
    this.version = snapshot.version;
    this.lastSyncAt = new Date();
    this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    await this.flushKeyUses();
  }

  tokenOwner(tokenHash: string): TokenOwner | undefined {
    return this.tokens.get(tokenHash);
  }

  user(userId: string): UserRecord | undefined {
    return this.users.get(userId);
  }

  userMode(userId: string): ByokMode | null {
    return this.users.get(userId)?.byokMode ?? null;
  }

  storedKey(userId: string, providerName: string): StoredProviderKeyRecord | undefined {
    return this.keys.get(userId)?.get(providerName);
  }

  /** Remembers that a stored key served a request; written to the store with the next poll. */
  noteKeyUsed(userId: string, providerName: string): void {
    this.keyUses.set(keyOf(userId, providerName), { userId, providerName, at: new Date() });
  }

  /** Reads one user's entry again now (after this replica changed it). */
  async refreshUser(userId: string): Promise<void> {
    this.apply(userId, await this.store.loadUserEntry(userId));
  }

  /** One round of following the change log; runs alone (a slow poll is not overlapped by the next). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      const changes = await this.store.changesSince(this.version, this.options.changesPerPoll ?? 1_000);
      const changedUsers = new Set(changes.map((change) => change.userId));
      for (const userId of changedUsers) this.apply(userId, await this.store.loadUserEntry(userId));
      if (changes.length > 0) this.version = changes[changes.length - 1].id;
      await this.flushKeyUses();
      this.lastSyncAt = new Date();
      if (this.lastError) this.options.logger.warn({}, 'identity directory is following the database again');
      this.lastError = undefined;
    } catch (error) {
      if (!this.lastError) this.options.logger.warn({ err: error }, 'identity directory cannot reach the database; serving its last view');
      this.lastError = error instanceof Error ? error : new Error(String(error));
    }
  }

  private async flushKeyUses(): Promise<void> {
    if (this.keyUses.size === 0) return;
    const uses = [...this.keyUses.values()];
    this.keyUses.clear();
    await this.store.markKeysUsed(uses);
  }

  private apply(userId: string, entry: UserEntry): void {
    if (entry.user) this.users.set(userId, entry.user);
    else this.users.delete(userId);
    this.replaceTokens(userId, entry.activeTokens);
    this.replaceKeys(userId, entry.keys);
  }

  private replaceKeys(userId: string, keys: StoredProviderKeyRecord[]): void {
    if (keys.length === 0) this.keys.delete(userId);
    else this.keys.set(userId, new Map(keys.map((key) => [key.providerName, key])));
  }

  private replaceTokens(userId: string, tokens: GatewayTokenRecord[]): void {
    for (const hash of this.tokenHashesByUser.get(userId) ?? []) this.tokens.delete(hash);
    for (const token of tokens) this.tokens.set(token.tokenHash, { userId, tokenId: token.id });
    this.tokenHashesByUser.set(userId, tokens.map((token) => token.tokenHash));
  }
}

function groupByUser<Item extends { userId: string }>(items: Item[]): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const group = groups.get(item.userId);
    if (group) group.push(item);
    else groups.set(item.userId, [item]);
  }
  return groups;
}
