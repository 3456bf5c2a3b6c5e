import type { LimitSet, ModelPolicy } from '@tollgate/limits';

/** How a user may pay for model usage (see docs/byok.md). `null` on a user means "the deployment default". */
export type ByokMode = 'disabled' | 'prefer' | 'require';

export const BYOK_MODES = ['disabled', 'prefer', 'require'] as const satisfies readonly ByokMode[];

/** A user's own budget on centralized spend: micro-dollars per calendar period (UTC); see docs/usage.md. */
export interface UserBudget {
  micros: number;
  period: 'day' | 'week' | 'month';
}

export interface UserRecord {
  /** The initiator id recorded on interceptions (`alice`); also what config-file tokens name as `user`. */
  id: string;
  displayName: string;
  byokMode: ByokMode | null;
  /** `null`: the deployment default budget (if any) applies. */
  budget: UserBudget | null;
  /** Own rate and concurrency limits; `null`: `limits.default` applies. */
  limits: LimitSet | null;
  /** Own model policy; `null`: none at the user level. */
  models: ModelPolicy | null;
  /** The teams the user belongs to, by id (sorted). */
  teamIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A group of users sharing limits, a budget and a model policy (counted per team, shared by its members). */
export interface TeamRecord {
  id: string;
  name: string;
  limits: LimitSet | null;
  /** Counted in addition to each member's own budget; `null`: the team has none. */
  budget: UserBudget | null;
  models: ModelPolicy | null;
  /** User ids (sorted). */
  members: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** What may change on a team; `null` clears a setting, `undefined` keeps it. */
export interface TeamChanges {
  name?: string;
  limits?: LimitSet | null;
  budget?: UserBudget | null;
  models?: ModelPolicy | null;
}

/** What may change on a user; `null` clears a setting, `undefined` keeps it. */
export interface UserChanges {
  byokMode?: ByokMode | null;
  displayName?: string;
  budget?: UserBudget | null;
  limits?: LimitSet | null;
  models?: ModelPolicy | null;
}

/** The scope of a gateway token, set when it is issued (docs/byok.md). */
export interface TokenScope {
  /** Refused from this time on; `null`: never expires. */
  expiresAt: Date | null;
  limits: LimitSet | null;
  models: ModelPolicy | null;
  /** The one team the token's requests count against; `null`: every team of the user. */
  teamId: string | null;
}

export interface GatewayTokenRecord {
  /** Opaque id (uuid) used to list and revoke; never the token. */
  id: string;
  userId: string;
  /** SHA-256 hex of the token: the only form the token is stored in. */
  tokenHash: string;
  /** Mask of the token (`tg_a...9f3c`), for listings. */
  hint: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  expiresAt: Date | null;
  limits: LimitSet | null;
  models: ModelPolicy | null;
  teamId: string | null;
  /** The last use the gateways wrote (in batches, never per request); `null`: never used. */
  lastUsedAt: Date | null;
}

/** A user's saved provider key: sealed with AES-256-GCM, bound to (user, provider); never stored in clear. */
export interface StoredProviderKeyRecord {
  userId: string;
  providerName: string;
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  kekId: string;
  /** The key's own data key, wrapped under `kekId` (envelope encryption). */
  wrappedKey: Buffer;
  hint: string;
  /** Keyed hash of the key, to recognise the same key without decrypting. */
  fingerprint: string;
  /** A user-supplied OpenAI-compatible endpoint (providers with `userEndpoints: true`), else null. */
  baseUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
}

export interface Page<Item> {
  items: Item[];
  /** Pass as `after` to get the next page; absent on the last page. */
  next?: string;
}

export interface PageRequest {
  limit: number;
  after?: string;
}

/**
 * Someone changed a user (their settings, teams, tokens or keys): replicas reload that user; or a team's settings:
 * replicas reload that team. Exactly one of `userId` and `teamId` is set.
 */
export interface DirectoryChange {
  /** Monotonic (a bigserial as a decimal string). */
  id: string;
  userId: string | null;
  teamId: string | null;
}

export interface DirectorySnapshot {
  users: UserRecord[];
  /** Tokens that are not revoked. */
  tokens: GatewayTokenRecord[];
  keys: StoredProviderKeyRecord[];
  teams: TeamRecord[];
  /** The id of the newest change included; poll `changesSince` from here. '0' when there is none. */
  version: string;
}

/** Everything a user's directory entry holds, read together after a change. */
export interface UserEntry {
  user: UserRecord | undefined;
  activeTokens: GatewayTokenRecord[];
  keys: StoredProviderKeyRecord[];
}

export class UserAlreadyExistsError extends Error {
  override readonly name = 'UserAlreadyExistsError';
  constructor(readonly userId: string) {
    super(`user ${userId} already exists`);
  }
}

export class UnknownUserError extends Error {
  override readonly name = 'UnknownUserError';
  constructor(readonly userId: string) {
    super(`no user ${userId}`);
  }
}

export class TeamAlreadyExistsError extends Error {
  override readonly name = 'TeamAlreadyExistsError';
  constructor(readonly teamId: string) {
    super(`team ${teamId} already exists`);
  }
}

export class UnknownTeamError extends Error {
  override readonly name = 'UnknownTeamError';
  constructor(readonly teamId: string) {
    super(`no team ${teamId}`);
  }
}

/** A team that active gateway tokens are scoped to cannot be deleted (they would count against no team). */
export class TeamInUseError extends Error {
  override readonly name = 'TeamInUseError';
  constructor(
    readonly teamId: string,
    readonly activeTokens: number,
  ) {
    super(`team ${teamId} has ${activeTokens} active gateway token(s) scoped to it`);
  }
}

/**
 * The identity directory's persistence port: users, gateway tokens (as hashes) and sealed provider keys. Every
 * write records a `DirectoryChange` in the same transaction, so replicas can follow changes with `changesSince`.
 */
export interface IdentityStore {
  loadSnapshot(): Promise<DirectorySnapshot>;
  changesSince(version: string, limit: number): Promise<DirectoryChange[]>;
  loadUserEntry(userId: string): Promise<UserEntry>;

  createUser(user: { id: string; displayName: string; byokMode: ByokMode | null }): Promise<UserRecord>;
  /** Creates the user with the defaults if missing (a config-file token's user saving a key); returns it. */
  ensureUser(userId: string): Promise<UserRecord>;
  findUser(userId: string): Promise<UserRecord | undefined>;
  listUsers(page: PageRequest): Promise<Page<UserRecord>>;
  updateUser(userId: string, changes: UserChanges): Promise<UserRecord | undefined>;

  /** Throws `UnknownTeamError` if the scope names a team that does not exist. */
  createToken(token: { userId: string; tokenHash: string; hint: string; name: string } & Partial<TokenScope>): Promise<GatewayTokenRecord>;
  listTokens(userId: string, page: PageRequest): Promise<Page<GatewayTokenRecord>>;
  /** Sets `revokedAt` (idempotent); undefined if there is no such token. */
  revokeToken(tokenId: string): Promise<GatewayTokenRecord | undefined>;
  /** Sets `last_used_at` for tokens used recently (batched by the caller; not a directory change). */
  markTokensUsed(uses: { tokenId: string; at: Date }[]): Promise<void>;

  /** Throws `TeamAlreadyExistsError`. */
  createTeam(team: { id: string; name: string }): Promise<TeamRecord>;
  findTeam(teamId: string): Promise<TeamRecord | undefined>;
  listTeams(page: PageRequest): Promise<Page<TeamRecord>>;
  updateTeam(teamId: string, changes: TeamChanges): Promise<TeamRecord | undefined>;
  /** False if there is no such team; throws `TeamInUseError` while active tokens are scoped to it. */
  deleteTeam(teamId: string): Promise<boolean>;
  /** Idempotent; undefined if there is no such team; throws `UnknownUserError`. */
  addTeamMember(teamId: string, userId: string): Promise<TeamRecord | undefined>;
  /** Idempotent; undefined if there is no such team. */
  removeTeamMember(teamId: string, userId: string): Promise<TeamRecord | undefined>;

  /** Inserts or replaces the user's key for that provider. The user must exist. */
  putKey(key: Omit<StoredProviderKeyRecord, 'createdAt' | 'updatedAt' | 'lastUsedAt'>): Promise<StoredProviderKeyRecord>;
  deleteKey(userId: string, providerName: string): Promise<boolean>;
  listKeys(userId: string): Promise<StoredProviderKeyRecord[]>;
  /** Sets `last_used_at` for keys used recently (batched by the caller; not a directory change). */
  markKeysUsed(uses: { userId: string; providerName: string; at: Date }[]): Promise<void>;

  /** Key rotation: keys in (userId, providerName) order after the cursor. */
  keysAfter(cursor: { userId: string; providerName: string } | undefined, limit: number): Promise<StoredProviderKeyRecord[]>;
  /**
   * Replaces a key's sealed value if it is still sealed as `expected` (same kek id and iv): a compare-and-set, so a
   * concurrent `putKey` is not overwritten. Records a change. Returns whether it replaced it.
   */
  resealKey(
    key: { userId: string; providerName: string },
    expected: { kekId: string; iv: Buffer },
    sealed: { ciphertext: Buffer; iv: Buffer; authTag: Buffer; kekId: string; wrappedKey: Buffer },
  ): Promise<boolean>;
}
