import { randomUUID } from 'node:crypto';
import type { LimitSet, ModelPolicy } from '@tollgate/limits';
import {
  TeamAlreadyExistsError,
  TeamInUseError,
  UnknownTeamError,
  UnknownUserError,
  UserAlreadyExistsError,
  type ByokMode,
  type DirectoryChange,
  type DirectorySnapshot,
  type GatewayTokenRecord,
  type IdentityStore,
  type Page,
  type PageRequest,
  type StoredProviderKeyRecord,
  type TeamChanges,
  type TeamRecord,
  type TokenScope,
  type UserChanges,
  type UserEntry,
  type UserBudget,
  type UserRecord,
} from '@tollgate/byok';
import type { SqlClient, SqlQuery } from '@tollgate/platform';
import { systemClock, type Clock } from '@tollgate/time';
import { decodeCursor, encodeCursor } from './page-cursor';

export interface PostgresIdentityStoreOptions {
  /** Times the timestamps written on rows (created, updated, revoked). Default: the system clock. */
  clock?: Clock;
}

/** Every page, change batch and key batch holds between 1 and this many items. */
const MAX_PAGE_SIZE = 200;

// Writers take this lock just before appending their change and keep it until commit, so change ids become visible
// in id order: a follower that has seen change N can never later find a committed change below N.
export const DIRECTORY_CHANGE_LOCK_KEY = 74_616_102;

// A user's teams come with the user (a subquery, so RETURNING of writes shows them too).
const USER_COLUMNS =
  'id, display_name, byok_mode, budget_micros::text AS budget_micros, budget_period, limits, models, ' +
  'ARRAY(SELECT m.team_id FROM team_members AS m WHERE m.user_id = users.id ORDER BY m.team_id) AS team_ids, created_at, updated_at';
const TEAM_COLUMNS =
  'id, name, limits, budget_micros::text AS budget_micros, budget_period, models, ' +
  'ARRAY(SELECT m.user_id FROM team_members AS m WHERE m.team_id = teams.id ORDER BY m.user_id) AS members, created_at, updated_at';
const TOKEN_COLUMNS = 'id, user_id, token_hash, hint, name, created_at, revoked_at, expires_at, limits, models, team_id, last_used_at';
const KEY_COLUMNS =
  'user_id, provider_name, ciphertext, iv, auth_tag, kek_id, wrapped_key, hint, fingerprint, base_url, created_at, updated_at, last_used_at';
// The exact (microsecond) creation time, for the token cursor: a JS Date would round it to milliseconds.
const TOKEN_CURSOR_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const ANY_TEXT = /^[\s\S]+$/;
const CHANGE_ID = /^\d{1,19}$/;

interface UserRow {
  id: string;
  display_name: string;
  byok_mode: ByokMode | null;
  budget_micros: string | null;
  budget_period: UserBudget['period'] | null;
  limits: LimitSet | null;
  models: ModelPolicy | null;
  team_ids: string[];
  created_at: Date;
  updated_at: Date;
}

interface TeamRow {
  id: string;
  name: string;
  limits: LimitSet | null;
  budget_micros: string | null;
  budget_period: UserBudget['period'] | null;
  models: ModelPolicy | null;
  members: string[];
  created_at: Date;
  updated_at: Date;
}

interface TokenRow {
  id: string;
  user_id: string;
  token_hash: string;
  hint: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  expires_at: Date | null;
  limits: LimitSet | null;
  models: ModelPolicy | null;
  team_id: string | null;
  last_used_at: Date | null;
}

interface KeyRow {
  user_id: string;
  provider_name: string;
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  wrapped_key: Buffer;
  kek_id: string;
  hint: string;
  fingerprint: string;
  base_url: string | null;
  created_at: Date;
  updated_at: Date;
  last_used_at: Date | null;
}

/**
 * The identity directory in Postgres (or the embedded PGlite): parameterised SQL only. Each write and the
 * `directory_changes` row it appends commit together. Sealed keys are stored as given: this store never sees a key in
 * clear.
 */
export class PostgresIdentityStore implements IdentityStore {
  private readonly clock: Clock;

  constructor(
    private readonly sql: SqlClient,
    options: PostgresIdentityStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** One REPEATABLE READ snapshot: the rows and the version are exactly the state after change `version`. */
  async loadSnapshot(): Promise<DirectorySnapshot> {
    return this.sql.transaction(async (tx) => {
      const [{ version }] = await tx.query<{ version: string }>('SELECT COALESCE(max(id), 0)::text AS version FROM directory_changes');
      const users = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`);
      const tokens = await tx.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM gateway_tokens WHERE revoked_at IS NULL ORDER BY created_at, id`);
      const keys = await tx.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM user_provider_keys ORDER BY user_id, provider_name`);
      const teams = await tx.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams ORDER BY id`);
      return { users: users.map(toUser), tokens: tokens.map(toToken), keys: keys.map(toKey), teams: teams.map(toTeam), version };
    }, 'REPEATABLE READ');
  }

  async changesSince(version: string, limit: number): Promise<DirectoryChange[]> {
    if (!CHANGE_ID.test(version)) throw new RangeError(`invalid directory version ${JSON.stringify(version)}: expected a change id`);
    // Ordered by the bigint, not its text (`ORDER BY id` would pick an output column named id).
    const rows = await this.sql.query<{ change_id: string; user_id: string | null; team_id: string | null }>(
      'SELECT id::text AS change_id, user_id, team_id FROM directory_changes WHERE id > $1::bigint ORDER BY id LIMIT $2',
      [version, clampLimit(limit)],
    );
    return rows.map((row) => ({ id: row.change_id, userId: row.user_id, teamId: row.team_id }));
  }

  async loadUserEntry(userId: string): Promise<UserEntry> {
    return this.sql.transaction(async (tx) => {
      const [user] = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
      const tokens = await tx.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM gateway_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id`,
        [userId],
      );
      const keys = await tx.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM user_provider_keys WHERE user_id = $1 ORDER BY provider_name`, [
        userId,
      ]);
      return { user: user && toUser(user), activeTokens: tokens.map(toToken), keys: keys.map(toKey) };
    }, 'REPEATABLE READ');
  }

  async createUser(user: { id: string; displayName: string; byokMode: ByokMode | null }): Promise<UserRecord> {
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<UserRow>(
        `INSERT INTO users (id, display_name, byok_mode, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (id) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [user.id, user.displayName, user.byokMode, at],
      );
      if (!row) throw new UserAlreadyExistsError(user.id);
      await recordChange(tx, user.id);
      return toUser(row);
    });
  }

  async ensureUser(userId: string): Promise<UserRecord> {
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [created] = await tx.query<UserRow>(
        `INSERT INTO users (id, display_name, byok_mode, created_at, updated_at) VALUES ($1, '', NULL, $2, $2)
         ON CONFLICT (id) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [userId, at],
      );
      if (created) {
        await recordChange(tx, userId);
        return toUser(created);
      }
      const [existing] = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
      return toUser(existing);
    });
  }

  async findUser(userId: string): Promise<UserRecord | undefined> {
    const [row] = await this.sql.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
    return row && toUser(row);
  }

  listUsers(page: PageRequest): Promise<Page<UserRecord>> {
    return this.pageById<UserRow, UserRecord>('users', USER_COLUMNS, page, toUser);
  }

  /** One page of a table keyed by `id`, in id order; the cursor is the last id. */
  private async pageById<Row extends { id: string }, Item>(
    table: 'users' | 'teams',
    columns: string,
    page: PageRequest,
    toItem: (row: Row) => Item,
  ): Promise<Page<Item>> {
    const limit = clampLimit(page.limit);
    const after = page.after === undefined ? undefined : decodeCursor(page.after, { id: ANY_TEXT }).id;
    const rows =
      after === undefined
        ? await this.sql.query<Row>(`SELECT ${columns} FROM ${table} ORDER BY id LIMIT $1`, [limit + 1])
        : await this.sql.query<Row>(`SELECT ${columns} FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`, [after, limit + 1]);
    return toPage(rows, limit, toItem, (last) => encodeCursor({ id: last.id }));
  }

  async updateUser(userId: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const setsMode = changes.byokMode !== undefined;
    const setsName = changes.displayName !== undefined;
    const setsBudget = changes.budget !== undefined;
    const setsLimits = changes.limits !== undefined;
    const setsModels = changes.models !== undefined;
    if (!setsMode && !setsName && !setsBudget && !setsLimits && !setsModels) return this.findUser(userId);
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<UserRow>(
        `UPDATE users
            SET display_name = CASE WHEN $2::boolean THEN $3::text ELSE display_name END,
                byok_mode = CASE WHEN $4::boolean THEN $5::text ELSE byok_mode END,
                budget_micros = CASE WHEN $7::boolean THEN $8::bigint ELSE budget_micros END,
                budget_period = CASE WHEN $7::boolean THEN $9::text ELSE budget_period END,
                limits = CASE WHEN $10::boolean THEN $11::jsonb ELSE limits END,
                models = CASE WHEN $12::boolean THEN $13::jsonb ELSE models END,
                updated_at = $6
          WHERE id = $1
         RETURNING ${USER_COLUMNS}`,
        [
          userId,
          setsName,
          changes.displayName ?? null,
          setsMode,
          changes.byokMode ?? null,
          at,
          setsBudget,
          changes.budget ? String(Math.trunc(changes.budget.micros)) : null,
          changes.budget?.period ?? null,
          setsLimits,
          jsonOrNull(changes.limits),
          setsModels,
          jsonOrNull(changes.models),
        ],
      );
      if (!row) return undefined;
      await recordChange(tx, userId);
      return toUser(row);
    });
  }

  async createToken(token: { userId: string; tokenHash: string; hint: string; name: string } & Partial<TokenScope>): Promise<GatewayTokenRecord> {
    if (!SHA256_HEX.test(token.tokenHash)) throw new RangeError('tokenHash must be the lowercase hex SHA-256 of the token');
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      await lockExistingUser(tx, token.userId);
      if (token.teamId) await lockExistingTeam(tx, token.teamId);
      const [row] = await tx.query<TokenRow>(
        `INSERT INTO gateway_tokens (id, user_id, token_hash, hint, name, created_at, revoked_at, expires_at, limits, models, team_id)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8::jsonb, $9::jsonb, $10)
         RETURNING ${TOKEN_COLUMNS}`,
        [
          randomUUID(),
          token.userId,
          token.tokenHash,
          token.hint,
          token.name,
          at,
          token.expiresAt ?? null,
          jsonOrNull(token.limits),
          jsonOrNull(token.models),
          token.teamId ?? null,
        ],
      );
      await recordChange(tx, token.userId);
      return toToken(row);
    });
  }

  /** All of the user's tokens, revoked ones included (with `revokedAt`), oldest first. */
  async listTokens(userId: string, page: PageRequest): Promise<Page<GatewayTokenRecord>> {
    const limit = clampLimit(page.limit);
    const after = page.after === undefined ? undefined : decodeCursor(page.after, { at: UTC_TIMESTAMP, id: UUID });
    const rows =
      after === undefined
        ? await this.sql.query<TokenRow & { cursor_at: string }>(
            `SELECT ${TOKEN_COLUMNS}, ${TOKEN_CURSOR_AT} FROM gateway_tokens WHERE user_id = $1 ORDER BY created_at, id LIMIT $2`,
            [userId, limit + 1],
          )
        : await this.sql.query<TokenRow & { cursor_at: string }>(
            `SELECT ${TOKEN_COLUMNS}, ${TOKEN_CURSOR_AT} FROM gateway_tokens
              WHERE user_id = $1 AND (created_at, id) > ($2::timestamptz, $3::uuid)
              ORDER BY created_at, id LIMIT $4`,
            [userId, after.at, after.id, limit + 1],
          );
    return toPage(rows, limit, toToken, (last) => encodeCursor({ at: last.cursor_at, id: last.id }));
  }

  async revokeToken(tokenId: string): Promise<GatewayTokenRecord | undefined> {
    if (!UUID.test(tokenId)) return undefined;
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [revoked] = await tx.query<TokenRow>(
        `UPDATE gateway_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${TOKEN_COLUMNS}`,
        [tokenId, at],
      );
      if (revoked) {
        await recordChange(tx, revoked.user_id);
        return toToken(revoked);
      }
      // Already revoked (nothing changes, no change recorded) or no such token.
      const [existing] = await tx.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM gateway_tokens WHERE id = $1`, [tokenId]);
      return existing && toToken(existing);
    });
  }

  /** Like `markKeysUsed`: one statement per batch, `last_used_at` only moves forward, rows locked in id order. */
  async markTokensUsed(uses: { tokenId: string; at: Date }[]): Promise<void> {
    const valid = uses.filter((use) => UUID.test(use.tokenId));
    if (valid.length === 0) return;
    await this.sql.query(
      `WITH u AS (
         SELECT id, max(at) AS at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) GROUP BY id
       ), locked AS MATERIALIZED (
         SELECT t.id FROM gateway_tokens AS t JOIN u USING (id) ORDER BY t.id FOR UPDATE OF t
       )
       UPDATE gateway_tokens AS t
          SET last_used_at = u.at
         FROM u JOIN locked USING (id)
        WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at < u.at)`,
      [valid.map((use) => use.tokenId), valid.map((use) => use.at)],
    );
  }

  // --- teams ---

  async createTeam(team: { id: string; name: string }): Promise<TeamRecord> {
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<TeamRow>(
        `INSERT INTO teams (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (id) DO NOTHING RETURNING ${TEAM_COLUMNS}`,
        [team.id, team.name, at],
      );
      if (!row) throw new TeamAlreadyExistsError(team.id);
      await recordTeamChange(tx, team.id);
      return toTeam(row);
    });
  }

  async findTeam(teamId: string): Promise<TeamRecord | undefined> {
    const [row] = await this.sql.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = $1`, [teamId]);
    return row && toTeam(row);
  }

  listTeams(page: PageRequest): Promise<Page<TeamRecord>> {
    return this.pageById<TeamRow, TeamRecord>('teams', TEAM_COLUMNS, page, toTeam);
  }

  async updateTeam(teamId: string, changes: TeamChanges): Promise<TeamRecord | undefined> {
    const setsName = changes.name !== undefined;
    const setsLimits = changes.limits !== undefined;
    const setsBudget = changes.budget !== undefined;
    const setsModels = changes.models !== undefined;
    if (!setsName && !setsLimits && !setsBudget && !setsModels) return this.findTeam(teamId);
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<TeamRow>(
        `UPDATE teams
            SET name = CASE WHEN $2::boolean THEN $3::text ELSE name END,
                limits = CASE WHEN $4::boolean THEN $5::jsonb ELSE limits END,
                budget_micros = CASE WHEN $6::boolean THEN $7::bigint ELSE budget_micros END,
                budget_period = CASE WHEN $6::boolean THEN $8::text ELSE budget_period END,
                models = CASE WHEN $9::boolean THEN $10::jsonb ELSE models END,
                updated_at = $11
          WHERE id = $1
         RETURNING ${TEAM_COLUMNS}`,
        [
          teamId,
          setsName,
          changes.name ?? null,
          setsLimits,
          jsonOrNull(changes.limits),
          setsBudget,
          changes.budget ? String(Math.trunc(changes.budget.micros)) : null,
          changes.budget?.period ?? null,
          setsModels,
          jsonOrNull(changes.models),
          at,
        ],
      );
      if (!row) return undefined;
      await recordTeamChange(tx, teamId);
      return toTeam(row);
    });
  }

  /** The members' entries change too (their teams): each is a user change as well. */
  async deleteTeam(teamId: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const [team] = await tx.query<{ id: string }>('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
      if (!team) return false;
      const [{ active }] = await tx.query<{ active: number }>(
        'SELECT count(*)::int AS active FROM gateway_tokens WHERE team_id = $1 AND revoked_at IS NULL',
        [teamId],
      );
      if (active > 0) throw new TeamInUseError(teamId, active);
      const members = await tx.query<{ user_id: string }>('DELETE FROM team_members WHERE team_id = $1 RETURNING user_id', [teamId]);
      await tx.query('DELETE FROM teams WHERE id = $1', [teamId]);
      await recordTeamChange(tx, teamId);
      for (const member of members.sort((x, y) => (x.user_id < y.user_id ? -1 : 1))) await recordChange(tx, member.user_id);
      return true;
    });
  }

  async addTeamMember(teamId: string, userId: string): Promise<TeamRecord | undefined> {
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      const [team] = await tx.query<{ id: string }>('SELECT id FROM teams WHERE id = $1 FOR KEY SHARE', [teamId]);
      if (!team) return undefined;
      await lockExistingUser(tx, userId);
      const added = await tx.query(
        'INSERT INTO team_members (team_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id',
        [teamId, userId, at],
      );
      if (added.length > 0) await recordChange(tx, userId);
      const [row] = await tx.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = $1`, [teamId]);
      return toTeam(row);
    });
  }

  async removeTeamMember(teamId: string, userId: string): Promise<TeamRecord | undefined> {
    return this.sql.transaction(async (tx) => {
      const [team] = await tx.query<{ id: string }>('SELECT id FROM teams WHERE id = $1 FOR KEY SHARE', [teamId]);
      if (!team) return undefined;
      const removed = await tx.query('DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 RETURNING user_id', [teamId, userId]);
      if (removed.length > 0) await recordChange(tx, userId);
      const [row] = await tx.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = $1`, [teamId]);
      return toTeam(row);
    });
  }

  /**
   * Replacing a key keeps `createdAt`; `lastUsedAt` survives only if it is the same key again (same fingerprint),
   * since a new key has not been used yet.
   */
  async putKey(key: Omit<StoredProviderKeyRecord, 'createdAt' | 'updatedAt' | 'lastUsedAt'>): Promise<StoredProviderKeyRecord> {
    const at = new Date(this.clock.now());
    return this.sql.transaction(async (tx) => {
      await lockExistingUser(tx, key.userId);
      const [row] = await tx.query<KeyRow>(
        `INSERT INTO user_provider_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, NULL)
         ON CONFLICT (user_id, provider_name) DO UPDATE
            SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag, kek_id = EXCLUDED.kek_id, wrapped_key = EXCLUDED.wrapped_key,
                hint = EXCLUDED.hint, fingerprint = EXCLUDED.fingerprint, base_url = EXCLUDED.base_url,
                updated_at = EXCLUDED.updated_at,
                last_used_at = CASE WHEN user_provider_keys.fingerprint = EXCLUDED.fingerprint THEN user_provider_keys.last_used_at END
         RETURNING ${KEY_COLUMNS}`,
        [key.userId, key.providerName, key.ciphertext, key.iv, key.authTag, key.kekId, key.wrappedKey, key.hint, key.fingerprint, key.baseUrl, at],
      );
      await recordChange(tx, key.userId);
      return toKey(row);
    });
  }

  async deleteKey(userId: string, providerName: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const deleted = await tx.query('DELETE FROM user_provider_keys WHERE user_id = $1 AND provider_name = $2 RETURNING user_id', [
        userId,
        providerName,
      ]);
      if (deleted.length === 0) return false;
      await recordChange(tx, userId);
      return true;
    });
  }

  async listKeys(userId: string): Promise<StoredProviderKeyRecord[]> {
    const rows = await this.sql.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM user_provider_keys WHERE user_id = $1 ORDER BY provider_name`, [
      userId,
    ]);
    return rows.map(toKey);
  }

  /**
   * One statement for the whole batch. `last_used_at` only moves forward, so batches flushed out of order (or by
   * several replicas) keep the latest use. Rows are locked in key order so concurrent flushes cannot deadlock.
   */
  async markKeysUsed(uses: { userId: string; providerName: string; at: Date }[]): Promise<void> {
    if (uses.length === 0) return;
    await this.sql.query(
      `WITH u AS (
         SELECT user_id, provider_name, max(at) AS at
           FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(user_id, provider_name, at)
          GROUP BY user_id, provider_name
       ), locked AS MATERIALIZED (
         SELECT k.user_id, k.provider_name FROM user_provider_keys AS k JOIN u USING (user_id, provider_name)
          ORDER BY k.user_id, k.provider_name FOR UPDATE OF k
       )
       UPDATE user_provider_keys AS k
          SET last_used_at = u.at
         FROM u JOIN locked USING (user_id, provider_name)
        WHERE k.user_id = u.user_id AND k.provider_name = u.provider_name
          AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
      [uses.map((use) => use.userId), uses.map((use) => use.providerName), uses.map((use) => use.at)],
    );
  }

  async keysAfter(cursor: { userId: string; providerName: string } | undefined, limit: number): Promise<StoredProviderKeyRecord[]> {
    const rows =
      cursor === undefined
        ? await this.sql.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM user_provider_keys ORDER BY user_id, provider_name LIMIT $1`, [
            clampLimit(limit),
          ])
        : await this.sql.query<KeyRow>(
            `SELECT ${KEY_COLUMNS} FROM user_provider_keys
              WHERE (user_id, provider_name) > ($1, $2)
              ORDER BY user_id, provider_name LIMIT $3`,
            [cursor.userId, cursor.providerName, clampLimit(limit)],
          );
    return rows.map(toKey);
  }

  /** Re-sealing changes how the key is stored, not the key: `updatedAt` (the user's last change) stays. */
  async resealKey(
    key: { userId: string; providerName: string },
    expected: { kekId: string; iv: Buffer },
    sealed: { ciphertext: Buffer; iv: Buffer; authTag: Buffer; kekId: string; wrappedKey: Buffer },
  ): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const replaced = await tx.query(
        `UPDATE user_provider_keys SET ciphertext = $3, iv = $4, auth_tag = $5, kek_id = $6, wrapped_key = $9
          WHERE user_id = $1 AND provider_name = $2 AND kek_id = $7 AND iv = $8
         RETURNING user_id`,
        [key.userId, key.providerName, sealed.ciphertext, sealed.iv, sealed.authTag, sealed.kekId, expected.kekId, expected.iv, sealed.wrappedKey],
      );
      if (replaced.length === 0) return false;
      await recordChange(tx, key.userId);
      return true;
    });
  }
}

async function recordChange(tx: SqlQuery, userId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [DIRECTORY_CHANGE_LOCK_KEY]);
  await tx.query('INSERT INTO directory_changes (user_id) VALUES ($1)', [userId]);
}

async function recordTeamChange(tx: SqlQuery, teamId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [DIRECTORY_CHANGE_LOCK_KEY]);
  await tx.query('INSERT INTO directory_changes (team_id) VALUES ($1)', [teamId]);
}

/** Keeps the team from being deleted until commit; throws if there is none. */
async function lockExistingTeam(tx: SqlQuery, teamId: string): Promise<void> {
  const rows = await tx.query('SELECT id FROM teams WHERE id = $1 FOR KEY SHARE', [teamId]);
  if (rows.length === 0) throw new UnknownTeamError(teamId);
}

/** A jsonb parameter: the value as JSON text, or SQL null for null and undefined. */
function jsonOrNull(value: object | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Keeps the user from being deleted until commit; throws if there is none. */
async function lockExistingUser(tx: SqlQuery, userId: string): Promise<void> {
  const rows = await tx.query('SELECT id FROM users WHERE id = $1 FOR KEY SHARE', [userId]);
  if (rows.length === 0) throw new UnknownUserError(userId);
}

function clampLimit(limit: number): number {
  if (Number.isNaN(limit)) return MAX_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

function toPage<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, cursorOf: (last: Row) => string): Page<Item> {
  if (rows.length <= limit) return { items: rows.map(toItem) };
  const items = rows.slice(0, limit);
  return { items: items.map(toItem), next: cursorOf(items[items.length - 1]) };
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    byokMode: row.byok_mode,
    budget: budgetOf(row),
    limits: row.limits,
    models: row.models,
    teamIds: row.team_ids,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toTeam(row: TeamRow): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    limits: row.limits,
    budget: budgetOf(row),
    models: row.models,
    members: row.members,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function budgetOf(row: { budget_micros: string | null; budget_period: UserBudget['period'] | null }): UserBudget | null {
  return row.budget_micros === null || row.budget_period === null ? null : { micros: Number(row.budget_micros), period: row.budget_period };
}

function toToken(row: TokenRow): GatewayTokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    hint: row.hint,
    name: row.name,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    limits: row.limits,
    models: row.models,
    teamId: row.team_id,
    lastUsedAt: row.last_used_at,
  };
}

function toKey(row: KeyRow): StoredProviderKeyRecord {
  return {
    userId: row.user_id,
    providerName: row.provider_name,
    ciphertext: row.ciphertext,
    iv: row.iv,
    authTag: row.auth_tag,
    kekId: row.kek_id,
    wrappedKey: row.wrapped_key,
    hint: row.hint,
    fingerprint: row.fingerprint,
    baseUrl: row.base_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
  };
}
