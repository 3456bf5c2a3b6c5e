import {
  UnknownTeamError,
  UnknownUserError,
  UserAlreadyExistsError,
  effectiveMode,
  issueGatewayToken,
  checkProviderKeyFormat,
  openStoredProviderKey,
  sealProviderKey,
  type ByokMode,
  type GatewayTokenRecord,
  type IdentityDirectory,
  type IdentityStore,
  type KeyRing,
  type Page,
  type PageRequest,
  type StoredProviderKeyRecord,
  type TokenScope,
  type UserBudget,
  type UserChanges,
  type UserRecord,
} from '@tollgate/byok';
import { fingerprintKey, hint } from '@tollgate/keypool';
import type { Logger } from '@tollgate/platform';
import type { Clock } from '@tollgate/time';
import type { Dispatcher } from 'undici';
import type { ProviderRegistry, ProviderRuntime, StoredCredential, StoredCredentials } from '@tollgate/request-path';
import { ApiError, invalidRequest, notFound } from './api-error';
import type { EndpointGuard } from '@tollgate/request-path';
import type { KeyVerifier } from './provider-key.verifier';
import { budgetView, type KeyView, type MeView, type TokenView, type UserView } from './identity-api.views';

export interface IdentityServiceDependencies {
  store: IdentityStore;
  directory: IdentityDirectory;
  /** Unset: stored keys are off (no TOLLGATE_ENCRYPTION_KEYS); saving one answers 503. */
  keyRing?: KeyRing;
  fingerprintSecret: string;
  providers: () => ProviderRegistry;
  defaultMode: () => ByokMode;
  /** The deployment's default budget (config `budgets.default`), if any. */
  defaultBudget: () => UserBudget | undefined;
  verifyKey: KeyVerifier;
  guardEndpoint: EndpointGuard;
  logger: Logger;
  /** The gateway's clock (a token's expiry must lie ahead of it). */
  clock: Clock;
}

/**
 * Users, gateway tokens and stored provider keys: the operations behind `/v1/me…` and `/admin/v1/users…`, and the
 * per-request lookup of a user's stored key. Writes go to the store, then this replica refreshes the user at once;
 * the other replicas follow the store's change log.
 */
export class IdentityService implements StoredCredentials {
  /** Stored keys (user, provider) being sealed again with the current binding. */
  private readonly sealingAgain = new Set<string>();

  constructor(private readonly deps: IdentityServiceDependencies) {}

  get directory(): IdentityDirectory {
    return this.deps.directory;
  }

  modeOf(userId: string): ByokMode {
    return effectiveMode(this.deps.directory.userMode(userId), this.deps.defaultMode());
  }

  hasStoredKey(userId: string, providerName: string): boolean {
    return this.deps.directory.storedKey(userId, providerName) !== undefined;
  }

  /** Opens the user's stored key for this provider; undefined if there is none or it cannot be opened (logged). */
  storedCredential(userId: string, providerName: string): StoredCredential | undefined {
    const record = this.deps.directory.storedKey(userId, providerName);
    if (!record) return undefined;
    if (!this.deps.keyRing) {
      this.deps.logger.error({ userId, provider: providerName }, 'a stored key exists but TOLLGATE_ENCRYPTION_KEYS is not set');
      return undefined;
    }
    try {
      const opened = openStoredProviderKey(this.deps.keyRing, record, { userId, providerName, baseUrl: record.baseUrl });
      this.deps.directory.noteKeyUsed(userId, providerName);
      if (opened.bindingVersion === 'legacy') this.sealAgainInBackground(this.deps.keyRing, record, opened.plaintext);
      return { key: opened.plaintext, hint: record.hint, baseUrl: record.baseUrl };
    } catch (error) {
      this.deps.logger.error({ userId, provider: providerName, kekId: record.kekId, err: error }, 'stored key cannot be decrypted');
      return undefined;
    }
  }

  /**
   * A key stored before its endpoint was bound into the ciphertext is sealed again, bound as today, the first time it
   * is used (compare-and-set: a key the user replaced meanwhile is left alone). Off the request path; once per key.
   */
  private sealAgainInBackground(ring: KeyRing, record: StoredProviderKeyRecord, plaintext: string): void {
    const { userId, providerName, baseUrl } = record;
    const rowName = `${userId}\u0000${providerName}`;
    if (this.sealingAgain.has(rowName)) return;
    this.sealingAgain.add(rowName);
    const sealed = sealProviderKey(ring, plaintext, { userId, providerName, baseUrl });
    void this.deps.store
      .resealKey({ userId, providerName }, { kekId: record.kekId, iv: record.iv }, sealed)
      .then(async (replaced) => {
        if (replaced) await this.deps.directory.refreshUser(userId);
        this.deps.logger.info({ userId, provider: providerName, replaced }, 'stored key sealed again with its endpoint bound');
      })
      .catch((error: unknown) => this.deps.logger.warn({ userId, provider: providerName, err: error }, 'stored key could not be sealed again; it is tried on its next use'))
      .finally(() => this.sealingAgain.delete(rowName));
  }

  // --- users ---

  async createUser(input: { id: string; displayName: string; byokMode: ByokMode | null }): Promise<UserView> {
    try {
      const user = await this.deps.store.createUser(input);
      await this.deps.directory.refreshUser(user.id);
      return this.userView(user);
    } catch (error) {
      if (error instanceof UserAlreadyExistsError) throw new ApiError(409, 'conflict', `user ${input.id} already exists`);
      throw error;
    }
  }

  async listUsers(page: PageRequest): Promise<Page<UserView>> {
    const found = await this.deps.store.listUsers(page);
    return { items: found.items.map((user) => this.userView(user)), next: found.next };
  }

  async getUser(userId: string): Promise<UserView> {
    const user = await this.deps.store.findUser(userId);
    if (!user) throw notFound(`no user ${userId}`);
    return this.userView(user);
  }

  async updateUser(userId: string, changes: UserChanges): Promise<UserView> {
    const user = await this.deps.store.updateUser(userId, changes);
    if (!user) throw notFound(`no user ${userId}`);
    await this.deps.directory.refreshUser(userId);
    return this.userView(user);
  }

  /** What `GET /v1/me` shows: config-file users have no row and get the defaults. */
  async whoAmI(userId: string): Promise<MeView> {
    const user = this.deps.directory.user(userId);
    const keys = await this.listKeys(userId);
    if (user) return { ...this.userView(user), keys };
    // A config-file token's user has no row until they save a key: the defaults, no timestamps.
    return {
      id: userId,
      displayName: '',
      byokMode: null,
      effectiveByokMode: this.deps.defaultMode(),
      budget: null,
      effectiveBudget: budgetView(this.deps.defaultBudget()),
      limits: null,
      models: null,
      teams: [],
      createdAt: null,
      updatedAt: null,
      keys,
    };
  }

  // --- gateway tokens ---

  /** A token scoped to a team must belong to one of the user's teams; an expiry must lie ahead. */
  async issueToken(userId: string, name: string, scope: Partial<TokenScope> = {}): Promise<TokenView & { token: string }> {
    const user = await this.deps.store.findUser(userId);
    if (!user) throw notFound(`no user ${userId}`);
    if (scope.teamId && !user.teamIds.includes(scope.teamId)) throw invalidRequest(`team: user ${userId} is not a member of team ${scope.teamId}`);
    if (scope.expiresAt && scope.expiresAt.getTime() <= this.deps.clock.now()) throw invalidRequest('expiresAt: must be in the future');
    const issued = issueGatewayToken();
    let record: GatewayTokenRecord;
    try {
      record = await this.deps.store.createToken({ userId, tokenHash: issued.tokenHash, hint: issued.hint, name, ...scope });
    } catch (error) {
      if (error instanceof UnknownTeamError) throw invalidRequest(`team: no team ${error.teamId}`);
      throw error;
    }
    await this.deps.directory.refreshUser(userId);
    return { ...tokenView(record), token: issued.token };
  }

  async listTokens(userId: string, page: PageRequest): Promise<Page<TokenView>> {
    if (!(await this.deps.store.findUser(userId))) throw notFound(`no user ${userId}`);
    const found = await this.deps.store.listTokens(userId, page);
    return { items: found.items.map(tokenView), next: found.next };
  }

  async revokeToken(tokenId: string): Promise<TokenView> {
    const record = await this.deps.store.revokeToken(tokenId);
    if (!record) throw notFound(`no token ${tokenId}`);
    await this.deps.directory.refreshUser(record.userId);
    return tokenView(record);
  }

  // --- stored provider keys ---

  async listKeys(userId: string): Promise<KeyView[]> {
    return (await this.deps.store.listKeys(userId)).map(keyView);
  }

  async putKey(userId: string, providerName: string, input: { key: string; verify: boolean; baseUrl?: string }): Promise<KeyView> {
    const provider = this.provider(providerName);
    const ring = this.deps.keyRing;
    if (!ring) throw new ApiError(503, 'stored_keys_disabled', 'stored keys are off on this gateway (the operator has not set TOLLGATE_ENCRYPTION_KEYS)');
    if (input.baseUrl !== undefined && !provider.config.userEndpoints) {
      throw invalidRequest(`provider ${providerName} does not accept user endpoints (baseUrl)`);
    }
    const format = checkProviderKeyFormat(provider.description, input.key, { custom: input.baseUrl !== undefined });
    if (!format.ok) throw invalidRequest(`key: ${format.rule}`);
    let endpoint: { baseUrl: string; dispatcher: Dispatcher } | null = null;
    if (input.baseUrl !== undefined) {
      const guarded = await this.deps.guardEndpoint(input.baseUrl);
      if (!guarded.ok) throw new ApiError(400, 'invalid_endpoint', `baseUrl refused: ${guarded.reason}`);
      endpoint = { baseUrl: guarded.url.href, dispatcher: guarded.dispatcher };
    }
    if (input.verify && provider.dialect) {
      // Bedrock's runtime has no cheap authenticated call to try a key with (its model list is another service).
      throw invalidRequest(`verify: provider ${providerName} reaches its models through ${provider.dialect.name}, where a key cannot be verified before use`);
    }
    if (input.verify) {
      const verdict = await this.deps.verifyKey(provider, format.key, endpoint);
      if (!verdict.ok) throw new ApiError(400, 'key_verification_failed', `the provider refused this key: ${verdict.reason}`);
    }
    const baseUrl = endpoint?.baseUrl ?? null;
    const sealed = sealProviderKey(ring, format.key, { userId, providerName, baseUrl });
    try {
      await this.deps.store.ensureUser(userId);
      const record = await this.deps.store.putKey({
        userId,
        providerName,
        ...sealed,
        hint: hint(format.key),
        fingerprint: fingerprintKey(format.key, this.deps.fingerprintSecret),
        baseUrl,
      });
      await this.deps.directory.refreshUser(userId);
      return keyView(record);
    } catch (error) {
      if (error instanceof UnknownUserError) throw notFound(`no user ${userId}`);
      throw error;
    }
  }

  async deleteKey(userId: string, providerName: string): Promise<void> {
    if (!(await this.deps.store.deleteKey(userId, providerName))) throw notFound(`no stored key for provider ${providerName}`);
    await this.deps.directory.refreshUser(userId);
  }

  private provider(name: string): ProviderRuntime {
    const provider = this.deps.providers().get(name);
    if (!provider) throw notFound(`no provider named "${name}"`);
    return provider;
  }

  private userView(user: UserRecord): UserView {
    return {
      id: user.id,
      displayName: user.displayName,
      byokMode: user.byokMode,
      effectiveByokMode: effectiveMode(user.byokMode, this.deps.defaultMode()),
      budget: budgetView(user.budget),
      effectiveBudget: budgetView(user.budget ?? this.deps.defaultBudget()),
      limits: user.limits,
      models: user.models,
      teams: user.teamIds,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}

function tokenView(record: GatewayTokenRecord): TokenView {
  return {
    id: record.id,
    user: record.userId,
    name: record.name,
    hint: record.hint,
    createdAt: record.createdAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    limits: record.limits,
    models: record.models,
    team: record.teamId,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}

function keyView(record: StoredProviderKeyRecord): KeyView {
  return {
    provider: record.providerName,
    hint: record.hint,
    baseUrl: record.baseUrl,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}
