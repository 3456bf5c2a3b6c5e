import type { LimitSet, ModelPolicy } from '@tollgate/limits';
import { systemClock, type Clock } from '@tollgate/time';
import type {
  ByokMode,
  GatewayTokenRecord,
  IdentityStore,
  StoredProviderKeyRecord,
  TeamRecord,
  UserBudget,
  UserEntry,
  UserRecord,
} from './identity.store';

export interface DirectoryLogger {
  warn(context: object, message: string): void;
}

/**
 * Tells the other replicas at once that the directory changed (Redis pub/sub), so they follow the change log now
 * rather than at their next poll. The poll stays the fallback: a lost notification delays a change by one interval.
 */
export interface DirectoryChangeNotifier {
  /** Announce that this replica committed a change (best effort). */
  publish(): void;
  /** Calls `onChange` whenever another replica announced a change. */
  subscribe(onChange: () => void): Promise<void>;
  close(): Promise<void>;
}

export interface IdentityDirectoryOptions {
  /** How often replicas look for changes made elsewhere (without a notifier, a revocation is effective within about this long). */
  pollIntervalMs: number;
  logger: DirectoryLogger;
  /** How many changes one poll reads at most (more are read by the next polls). */
  changesPerPoll?: number;
  /** Announces this replica's changes and hears the others'; unset: the poll alone. */
  notifier?: DirectoryChangeNotifier;
  /** When a use of a key or token happened. Default: the system clock. */
  clock?: Clock;
}

/** A database-issued token's owner and scope, as the request path needs them. */
export interface TokenOwner {
  userId: string;
  tokenId: string;
  expiresAt: Date | null;
  limits: LimitSet | null;
  models: ModelPolicy | null;
  teamId: string | null;
}

/** A team's settings held in memory (its members are known through each user's `teamIds`). */
export interface TeamSettings {
  id: string;
  limits: LimitSet | null;
  budget: UserBudget | null;
  models: ModelPolicy | null;
}

const keyOf = (userId: string, providerName: string) => `${userId}\u0000${providerName}`;

/**
 * The gateway's in-memory view of users, teams, gateway tokens (by hash) and sealed provider keys, so that no
 * request costs a database round trip. It loads a snapshot at start, then follows the store's change log: every poll
 * reloads the users and teams that changed. A replica that made a change refreshes that entry at once
 * (`refreshUser`, `refreshTeam`) and, with a notifier, tells the others to poll now.
 * If the database is unreachable it keeps serving its last view and says so (`lastError`).
 */
export class IdentityDirectory {
  private readonly users = new Map<string, UserRecord>();
  private readonly teams = new Map<string, TeamSettings>();
  private readonly tokens = new Map<string, TokenOwner>();
  private readonly tokenHashesByUser = new Map<string, string[]>();
  /** userId → providerName → key. */
  private readonly keys = new Map<string, Map<string, StoredProviderKeyRecord>>();
  private readonly keyUses = new Map<string, { userId: string; providerName: string; at: Date }>();
  private readonly tokenUses = new Map<string, Date>();
  private readonly clock: Clock;
  private version = '0';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  /** A notification came while a poll was running (it may have read the log before that change): poll once more. */
  private pollAgain = false;
  lastError: Error | undefined;
  lastSyncAt: Date | undefined;

  constructor(
    private readonly store: IdentityStore,
    private readonly options: IdentityDirectoryOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    const snapshot = await this.store.loadSnapshot();
    for (const user of snapshot.users) this.users.set(user.id, user);
    for (const team of snapshot.teams) this.teams.set(team.id, teamSettings(team));
    const tokensByUser = groupByUser(snapshot.tokens);
    for (const [userId, tokens] of tokensByUser) this.replaceTokens(userId, tokens);
    for (const [userId, keys] of groupByUser(snapshot.keys)) this.replaceKeys(userId, keys);
    this.version = snapshot.version;
    this.lastSyncAt = new Date();
    this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.timer.unref();
    await this.options.notifier?.subscribe(() => void this.poll()).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'identity directory cannot hear other replicas; following their changes by polling');
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.options.notifier?.close();
    await this.polling;
    await this.flushUses();
  }

  /** The token's owner and scope; expiry is the caller's to check (against its own clock). */
  tokenOwner(tokenHash: string): TokenOwner | undefined {
    return this.tokens.get(tokenHash);
  }

  user(userId: string): UserRecord | undefined {
    return this.users.get(userId);
  }

  team(teamId: string): TeamSettings | undefined {
    return this.teams.get(teamId);
  }

  /** Every team's settings, by id (a live view: read it, do not keep it). */
  teamSettings(): ReadonlyMap<string, TeamSettings> {
    return this.teams;
  }

  userMode(userId: string): ByokMode | null {
    return this.users.get(userId)?.byokMode ?? null;
  }

  /** The ids of the users in memory who belong to the team. */
  teamMembers(teamId: string): string[] {
    const members: string[] = [];
    for (const user of this.users.values()) if (user.teamIds.includes(teamId)) members.push(user.id);
    return members;
  }

  storedKey(userId: string, providerName: string): StoredProviderKeyRecord | undefined {
    return this.keys.get(userId)?.get(providerName);
  }

  /** Remembers that a stored key served a request; written to the store with the next poll. */
  noteKeyUsed(userId: string, providerName: string): void {
    this.keyUses.set(keyOf(userId, providerName), { userId, providerName, at: new Date(this.clock.now()) });
  }

  /** Remembers that a database-issued token authenticated a request; written to the store with the next poll. */
  noteTokenUsed(tokenId: string): void {
    this.tokenUses.set(tokenId, new Date(this.clock.now()));
  }

  /** Reads one user's entry again now (after this replica changed it), and tells the other replicas. */
  async refreshUser(userId: string): Promise<void> {
    this.apply(userId, await this.store.loadUserEntry(userId));
    this.options.notifier?.publish();
  }

  /** Reads one team's settings again now (after this replica changed it), and tells the other replicas. */
  async refreshTeam(teamId: string): Promise<void> {
    this.applyTeam(teamId, await this.store.findTeam(teamId));
    this.options.notifier?.publish();
  }

  /** One round of following the change log; runs alone (a slow poll is not overlapped by the next). */
  poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.pollOnce().finally(() => {
      this.polling = undefined;
      if (this.pollAgain) {
        this.pollAgain = false;
        void this.poll();
      }
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      const changes = await this.store.changesSince(this.version, this.options.changesPerPoll ?? 1_000);
      const changedUsers = new Set<string>();
      const changedTeams = new Set<string>();
      for (const change of changes) {
        if (change.userId !== null) changedUsers.add(change.userId);
        if (change.teamId !== null) changedTeams.add(change.teamId);
      }
      for (const teamId of changedTeams) this.applyTeam(teamId, await this.store.findTeam(teamId));
      for (const userId of changedUsers) this.apply(userId, await this.store.loadUserEntry(userId));
      if (changes.length > 0) this.version = changes[changes.length - 1].id;
      await this.flushUses();
      this.lastSyncAt = new Date();
      if (this.lastError) this.options.logger.warn({}, 'identity directory is following the database again');
      this.lastError = undefined;
    } catch (error) {
      if (!this.lastError) this.options.logger.warn({ err: error }, 'identity directory cannot reach the database; serving its last view');
      this.lastError = error instanceof Error ? error : new Error(String(error));
    }
  }

  private async flushUses(): Promise<void> {
    if (this.keyUses.size > 0) {
      const uses = [...this.keyUses.values()];
      this.keyUses.clear();
      await this.store.markKeysUsed(uses);
    }
    if (this.tokenUses.size > 0) {
      const uses = [...this.tokenUses].map(([tokenId, at]) => ({ tokenId, at }));
      this.tokenUses.clear();
      await this.store.markTokensUsed(uses);
    }
  }

  private apply(userId: string, entry: UserEntry): void {
    if (entry.user) this.users.set(userId, entry.user);
    else this.users.delete(userId);
    this.replaceTokens(userId, entry.activeTokens);
    this.replaceKeys(userId, entry.keys);
  }

  private applyTeam(teamId: string, team: TeamRecord | undefined): void {
    if (team) this.teams.set(teamId, teamSettings(team));
    else this.teams.delete(teamId);
  }

  private replaceKeys(userId: string, keys: StoredProviderKeyRecord[]): void {
    if (keys.length === 0) this.keys.delete(userId);
    else this.keys.set(userId, new Map(keys.map((key) => [key.providerName, key])));
  }

  private replaceTokens(userId: string, tokens: GatewayTokenRecord[]): void {
    for (const hash of this.tokenHashesByUser.get(userId) ?? []) this.tokens.delete(hash);
    for (const token of tokens) {
      this.tokens.set(token.tokenHash, {
        userId,
        tokenId: token.id,
        expiresAt: token.expiresAt,
        limits: token.limits,
        models: token.models,
        teamId: token.teamId,
      });
    }
    this.tokenHashesByUser.set(userId, tokens.map((token) => token.tokenHash));
  }
}

function teamSettings(team: TeamRecord): TeamSettings {
  return { id: team.id, limits: team.limits, budget: team.budget, models: team.models };
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
