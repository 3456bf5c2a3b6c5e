// The operator and user API as an OpenAPI 3.1 document, served at /openapi.json. The console's client types are
// generated from it (apps/console/src/api/gateway-api.ts) and a test checks that every admin and self-service route
// of the gateway is described here; describe a new route here when you add it.

import { PROVIDER_TYPES } from '@tollgate/providers';
import { ADMIN_AUDIT_ACTIONS } from '@tollgate/usage';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const dateTime: Schema = { type: 'string', format: 'date-time' };
const integer: Schema = { type: 'integer' };
const object = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  additionalProperties: false,
});
const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
const pathParameter = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema });
const queryParameter = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });

const ADMIN = [{ adminToken: [] }];
const CALLER = [{ gatewayToken: [] }];
const usageQuery = (groupBys: string[]) => [
  { name: 'groupBy', in: 'query', required: true, schema: { type: 'string', enum: groupBys } },
  queryParameter('from', 'Start (inclusive); default: the first day of this month (UTC).', dateTime),
  queryParameter('to', 'End (exclusive); default: the first day of next month (UTC).', dateTime),
  queryParameter('credentialKind', "Only the pool's keys (`centralized`: what budgets count) or users' own keys (`byok`); default: both.", {
    type: 'string',
    enum: ['centralized', 'byok'],
  }),
];
const pageQuery = [
  queryParameter('limit', 'Page size, 1-200 (default 50).', { type: 'integer', minimum: 1, maximum: 200 }),
  queryParameter('after', 'The `next` of the previous page.'),
];

const usageTotals = {
  interceptions: integer,
  inputTokens: integer,
  outputTokens: integer,
  cacheReadTokens: integer,
  cacheWriteTokens: integer,
  costMicros: { type: 'integer', description: 'Integer micro-dollars: the exact figure.' },
  costUsd: { type: 'number' },
};
const interception = {
  id: { type: 'string', format: 'uuid' },
  initiatorId: { type: 'string', description: 'The user id of the caller.' },
  provider: { type: 'string', description: 'The provider type.' },
  providerName: { type: 'string', description: 'The provider instance that served (for a model alias, the target that served it, or the last one tried).' },
  model: { type: 'string', description: 'The model sent upstream (for a model alias, the serving target\'s).' },
  requestedModel: { ...nullable({ type: 'string' }), description: 'The model alias the client asked for (routing.aliases); null when it named a model.' },
  streaming: { type: 'boolean' },
  client: { type: 'string' },
  credentialKind: { type: 'string', enum: ['centralized', 'byok'] },
  credentialSource: { type: 'string', enum: ['request', 'stored', 'pool'] },
  credentialHint: { type: 'string', description: 'Mask of the credential; never the credential.' },
  startedAt: dateTime,
  endedAt: nullable(dateTime),
  durationMs: nullable(integer),
  status: ref('InterceptionStatus'),
  errorType: nullable({ type: 'string' }),
  errorMessage: nullable({ type: 'string' }),
  inputTokens: integer,
  outputTokens: integer,
  cacheReadTokens: integer,
  cacheWriteTokens: integer,
  costMicros: integer,
  costUsd: { type: 'number' },
};
const user = {
  id: { type: 'string' },
  displayName: { type: 'string' },
  byokMode: nullable(ref('ByokMode')),
  effectiveByokMode: ref('ByokMode'),
  budget: nullable(ref('Budget')),
  effectiveBudget: nullable(ref('Budget')),
  limits: { ...nullable(ref('LimitSet')), description: 'The user\'s own limits; null: `limits.default` applies.' },
  models: { ...nullable(ref('ModelPolicy')), description: "The user's own model policy; null: none." },
  teams: { type: 'array', items: { type: 'string' }, description: 'The teams the user belongs to.' },
  createdAt: dateTime,
  updatedAt: dateTime,
};
const team = {
  id: { type: 'string' },
  name: { type: 'string' },
  limits: nullable(ref('LimitSet')),
  budget: { ...nullable(ref('Budget')), description: "Counted in addition to each member's own budget; null: none." },
  models: nullable(ref('ModelPolicy')),
  members: { type: 'array', items: { type: 'string' }, description: 'User ids.' },
  createdAt: dateTime,
  updatedAt: dateTime,
};
const token = {
  id: { type: 'string', format: 'uuid' },
  user: { type: 'string' },
  name: { type: 'string' },
  hint: { type: 'string' },
  createdAt: dateTime,
  revokedAt: nullable(dateTime),
  expiresAt: { ...nullable(dateTime), description: 'Refused (401) from then on; null: never expires.' },
  limits: nullable(ref('LimitSet')),
  models: nullable(ref('ModelPolicy')),
  team: { ...nullable({ type: 'string' }), description: "The one team the token's requests count against; null: every team of the user." },
  lastUsedAt: { ...nullable(dateTime), description: 'Written by the gateways in batches (up to a poll interval late); null: never used.' },
};
const teamId = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' };

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Tollgate operator and user API',
    version: '1',
    description:
      'Admin routes (`/admin/v1/…`) take an admin token, self-service routes (`/v1/me…`) a gateway token (`tg_…`), as `Authorization: Bearer …` or `X-Tollgate-Token`. Errors are `{"error":{"type","message"}}`. The provider routes (`/{provider}/…`) follow the providers\' own APIs and are not described here.',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: {
      adminToken: { type: 'http', scheme: 'bearer', description: 'An admin token (`auth.adminTokens`).' },
      gatewayToken: { type: 'http', scheme: 'bearer', description: 'A gateway token (`tg_…`).' },
    },
    responses: Object.fromEntries(
      [
        [400, 'The request is invalid; the message names each bad field.'],
        [401, 'No valid token.'],
        [404, 'Not found.'],
        [409, 'Already exists, or still in use.'],
        [503, 'Needs the recording database, or stored keys need TOLLGATE_ENCRYPTION_KEYS.'],
      ].map(([status, description]) => [`Error${status}`, json(ref('Error'), description as string)]),
    ),
    schemas: {
      Error: object({ error: object({ type: { type: 'string' }, message: { type: 'string' } }) }),
      ByokMode: { type: 'string', enum: ['disabled', 'prefer', 'require'] },
      BudgetPeriod: { type: 'string', enum: ['day', 'week', 'month'] },
      Budget: object({ amountUsd: { type: 'number', minimum: 0 }, period: ref('BudgetPeriod') }),
      LimitSet: object(
        {
          requestsPerMinute: { type: 'integer', minimum: 1, description: 'A token bucket of this capacity, refilled at this many per minute.' },
          tokensPerMinute: { type: 'integer', minimum: 1, description: 'The same bucket in tokens (input + output).' },
          concurrent: { type: 'integer', minimum: 1, description: 'Requests in flight at once.' },
        },
        ['requestsPerMinute', 'tokensPerMinute', 'concurrent'],
      ),
      ModelPolicy: object(
        {
          allow: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 512 }, description: 'Patterns (`*` wildcard) matching `provider/model` or `model`; empty or missing: every model.' },
          deny: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 512 }, description: 'Patterns refused; deny wins over allow.' },
        },
        ['allow', 'deny'],
      ),
      KeyState: { type: 'string', enum: ['valid', 'cooling', 'disabled'] },
      AuditAction: { type: 'string', enum: ADMIN_AUDIT_ACTIONS },
      AuditEntry: object({
        id: { type: 'string', format: 'uuid' },
        at: dateTime,
        actor: { type: 'string', description: "The admin token's hint." },
        action: ref('AuditAction'),
        target: { type: 'string' },
        requestId: { type: 'string', description: 'The X-Request-Id of the admin call.' },
        details: { type: 'object', additionalProperties: true, description: 'What changed; hints, never a secret.' },
      }),
      AuditPage: object({ items: { type: 'array', items: ref('AuditEntry') }, next: nullable({ type: 'string' }) }),
      KeyReason: { type: 'string', enum: ['rate_limited', 'unauthorized', 'forbidden'] },
      KeyListing: object(
        {
          position: integer,
          hint: { type: 'string' },
          state: ref('KeyState'),
          reason: ref('KeyReason'),
          until: { ...dateTime, description: 'End of the cooldown; cooling keys only.' },
        },
        ['reason', 'until'],
      ),
      PoolKey: {
        allOf: [ref('KeyListing'), object({ lastUsedAt: nullable(dateTime) })],
      },
      ProviderPool: object({
        name: { type: 'string' },
        type: { type: 'string', enum: [...PROVIDER_TYPES] },
        strategy: { type: 'string', enum: ['ordered', 'round-robin'] },
        upstream: { type: 'string', enum: ['direct', 'bedrock', 'azure-openai'], description: "The provider's own API, Claude on AWS Bedrock, or Azure OpenAI" },
        region: { ...nullable({ type: 'string' }), description: 'The AWS region of a Bedrock upstream' },
        keys: { type: 'array', items: ref('PoolKey') },
      }),
      KeyPools: object({
        now: { ...dateTime, description: "The gateway's clock, for countdowns." },
        lastUseRecorded: { type: 'boolean' },
        providers: { type: 'array', items: ref('ProviderPool') },
      }),
      McpServer: object(
        {
          name: { type: 'string' },
          url: { type: 'string', description: 'The endpoint, without its query string.' },
          up: { type: 'boolean', description: 'Whether the last tool-list refresh reached it; absent before the first.' },
          lastRefreshAt: dateTime,
          lastError: { type: 'string', description: 'Why the last refresh failed.' },
          tools: {
            type: 'array',
            items: object({ name: { type: 'string', description: 'The injected name the model sees.' }, serverToolName: { type: 'string' }, description: { type: 'string' } }),
          },
        },
        ['up', 'lastRefreshAt', 'lastError'],
      ),
      User: object(user),
      UserPage: object({ items: { type: 'array', items: ref('User') }, next: { type: 'string' } }, ['next']),
      MyLimitItem: object({
        scope: { type: 'string', enum: ['user', 'team', 'token'] },
        id: { type: 'string', description: 'User id, team id or gateway token id.' },
        kind: { type: 'string', enum: ['request', 'token', 'concurrency'] },
        limit: integer,
        remaining: integer,
        resetsAt: { ...nullable(dateTime), description: 'When the bucket is full again; null when it is, and for concurrency.' },
      }),
      MyLimits: object({
        items: { type: 'array', items: ref('MyLimitItem') },
        models: {
          type: 'array',
          description: 'The model policies my requests must pass, one per level that has one.',
          items: object(
            {
              level: { type: 'string', enum: ['deployment', 'team', 'user', 'token'] },
              id: { type: 'string' },
              policy: ref('ModelPolicy'),
            },
            ['id'],
          ),
        },
      }),
      Me: object({ ...user, createdAt: nullable(dateTime), updatedAt: nullable(dateTime), keys: { type: 'array', items: ref('StoredKey') } }),
      CreateUser: object(
        { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$' }, displayName: { type: 'string', maxLength: 200 }, byokMode: nullable(ref('ByokMode')) },
        ['displayName', 'byokMode'],
      ),
      UpdateUser: object(
        {
          displayName: { type: 'string', maxLength: 200 },
          byokMode: nullable(ref('ByokMode')),
          budget: nullable(ref('Budget')),
          limits: nullable(ref('LimitSet')),
          models: nullable(ref('ModelPolicy')),
        },
        ['displayName', 'byokMode', 'budget', 'limits', 'models'],
      ),
      IssueToken: object(
        {
          name: { type: 'string', maxLength: 100 },
          expiresAt: { ...dateTime, description: 'Refused from then on; must lie ahead.' },
          limits: ref('LimitSet'),
          models: ref('ModelPolicy'),
          team: { ...teamId, description: "One of the user's teams: the token's requests count only against it." },
        },
        ['name', 'expiresAt', 'limits', 'models', 'team'],
      ),
      Team: object(team),
      TeamPage: object({ items: { type: 'array', items: ref('Team') }, next: { type: 'string' } }, ['next']),
      CreateTeam: object({ id: teamId, name: { type: 'string', maxLength: 200 } }, ['name']),
      UpdateTeam: object(
        { name: { type: 'string', maxLength: 200 }, limits: nullable(ref('LimitSet')), budget: nullable(ref('Budget')), models: nullable(ref('ModelPolicy')) },
        ['name', 'limits', 'budget', 'models'],
      ),
      Token: object(token),
      IssuedToken: object({ ...token, token: { type: 'string', description: 'The gateway token itself: shown this once, never again.' } }),
      TokenPage: object({ items: { type: 'array', items: ref('Token') }, next: { type: 'string' } }, ['next']),
      StoredKey: object({
        provider: { type: 'string' },
        hint: { type: 'string' },
        baseUrl: nullable({ type: 'string' }),
        createdAt: dateTime,
        updatedAt: dateTime,
        lastUsedAt: nullable(dateTime),
      }),
      StoredKeys: object({ keys: { type: 'array', items: ref('StoredKey') } }),
      PutKey: object({ key: { type: 'string' }, verify: { type: 'boolean' }, baseUrl: { type: 'string', maxLength: 2048 } }, ['verify', 'baseUrl']),
      UsageTotals: object(usageTotals),
      UsageRow: object({ key: { type: 'string' }, ...usageTotals }),
      Usage: object({
        from: dateTime,
        to: dateTime,
        groupBy: { type: 'string', enum: ['user', 'model', 'provider', 'day'] },
        rows: { type: 'array', items: ref('UsageRow') },
        totals: ref('UsageTotals'),
      }),
      InterceptionStatus: { type: 'string', enum: ['ok', 'error', 'in_flight'] },
      Interception: object(interception),
      InterceptionPage: object({ items: { type: 'array', items: ref('Interception') }, next: nullable({ type: 'string' }) }),
      TokenUsage: object({
        providerResponseId: { type: 'string' },
        inputTokens: integer,
        outputTokens: integer,
        cacheReadTokens: integer,
        cacheWriteTokens: integer,
        extra: { type: 'object', additionalProperties: { type: 'number' } },
        costMicros: integer,
        priced: { type: 'boolean' },
        createdAt: dateTime,
      }),
      InterceptionDetail: object({
        ...interception,
        userAgent: { type: 'string' },
        metadata: { type: 'object', additionalProperties: true },
        priceVersion: nullable({ type: 'string' }),
        tokenUsages: { type: 'array', items: ref('TokenUsage') },
        traceUrl: { ...nullable({ type: 'string', format: 'uri' }), description: "Jaeger's search for the trace; null when `console.jaegerUrl` is unset." },
      }),
      ActivityBucket: object({ start: dateTime, errors: integer, ...usageTotals }),
      Activity: object({
        from: dateTime,
        to: dateTime,
        bucketSeconds: integer,
        buckets: { type: 'array', items: ref('ActivityBucket') },
        totals: object({ errors: integer, ...usageTotals }),
      }),
    },
  },
  paths: {
    '/admin/v1/providers': {
      get: { operationId: 'listKeyPools', summary: 'Every provider instance and its keys (hints, states, last use)', security: ADMIN, responses: { 200: json(ref('KeyPools')), ...errors(401) } },
    },
    '/admin/v1/providers/{name}/keys': {
      get: {
        operationId: 'listProviderKeys',
        summary: "One provider's keys",
        security: ADMIN,
        parameters: [pathParameter('name', 'Provider instance name')],
        responses: { 200: json(object({ provider: { type: 'string' }, keys: { type: 'array', items: ref('KeyListing') } })), ...errors(401, 404) },
      },
    },
    '/admin/v1/providers/{name}/keys/{position}/enable': {
      post: {
        operationId: 'enableProviderKey',
        summary: 'Back to valid on every replica',
        security: ADMIN,
        parameters: [pathParameter('name', 'Provider instance name'), pathParameter('position', 'Key position, from 0', integer)],
        responses: { 200: json(object({ provider: { type: 'string' }, key: ref('KeyListing') })), ...errors(400, 401, 404) },
      },
    },
    '/admin/v1/users': {
      get: { operationId: 'listUsers', security: ADMIN, parameters: pageQuery, responses: { 200: json(ref('UserPage')), ...errors(400, 401, 503) } },
      post: { operationId: 'createUser', security: ADMIN, requestBody: body(ref('CreateUser')), responses: { 201: json(ref('User'), 'Created'), ...errors(400, 401, 409, 503) } },
    },
    '/admin/v1/users/{id}': {
      get: { operationId: 'getUser', security: ADMIN, parameters: [pathParameter('id', 'User id')], responses: { 200: json(ref('User')), ...errors(401, 404, 503) } },
      patch: {
        operationId: 'updateUser',
        summary: 'Display name, BYOK mode, budget, limits, model policy (null: the deployment default, or none)',
        security: ADMIN,
        parameters: [pathParameter('id', 'User id')],
        requestBody: body(ref('UpdateUser')),
        responses: { 200: json(ref('User')), ...errors(400, 401, 404, 503) },
      },
    },
    '/admin/v1/users/{id}/tokens': {
      get: { operationId: 'listTokens', security: ADMIN, parameters: [pathParameter('id', 'User id'), ...pageQuery], responses: { 200: json(ref('TokenPage')), ...errors(400, 401, 404, 503) } },
      post: {
        operationId: 'issueToken',
        summary: 'Issues a gateway token, optionally scoped (expiry, limits, model policy, team); returned this once',
        security: ADMIN,
        parameters: [pathParameter('id', 'User id')],
        requestBody: body(ref('IssueToken')),
        responses: { 201: json(ref('IssuedToken'), 'Created'), ...errors(400, 401, 404, 503) },
      },
    },
    '/admin/v1/tokens/{id}': {
      delete: {
        operationId: 'revokeToken',
        summary: 'Revokes a gateway token on every replica within a second (with Redis; else within a poll interval)',
        security: ADMIN,
        parameters: [pathParameter('id', 'Token id')],
        responses: { 200: json(ref('Token')), ...errors(401, 404, 503) },
      },
    },
    '/admin/v1/users/{id}/keys': {
      get: { operationId: 'listUserKeys', summary: "A user's stored keys (hints only)", security: ADMIN, parameters: [pathParameter('id', 'User id')], responses: { 200: json(ref('StoredKeys')), ...errors(401, 404, 503) } },
    },
    '/admin/v1/teams': {
      get: { operationId: 'listTeams', security: ADMIN, parameters: pageQuery, responses: { 200: json(ref('TeamPage')), ...errors(400, 401, 503) } },
      post: { operationId: 'createTeam', security: ADMIN, requestBody: body(ref('CreateTeam')), responses: { 201: json(ref('Team'), 'Created'), ...errors(400, 401, 409, 503) } },
    },
    '/admin/v1/teams/{id}': {
      get: { operationId: 'getTeam', security: ADMIN, parameters: [pathParameter('id', 'Team id')], responses: { 200: json(ref('Team')), ...errors(401, 404, 503) } },
      patch: {
        operationId: 'updateTeam',
        summary: 'Name, limits, budget, model policy (null clears)',
        security: ADMIN,
        parameters: [pathParameter('id', 'Team id')],
        requestBody: body(ref('UpdateTeam')),
        responses: { 200: json(ref('Team')), ...errors(400, 401, 404, 503) },
      },
      delete: {
        operationId: 'deleteTeam',
        summary: 'Deletes a team and its memberships; refused (409) while active tokens are scoped to it',
        security: ADMIN,
        parameters: [pathParameter('id', 'Team id')],
        responses: { 204: { description: 'Deleted' }, ...errors(401, 404, 409, 503) },
      },
    },
    '/admin/v1/teams/{id}/members/{userId}': {
      put: {
        operationId: 'addTeamMember',
        summary: 'Adds a user to the team (idempotent)',
        security: ADMIN,
        parameters: [pathParameter('id', 'Team id'), pathParameter('userId', 'User id')],
        responses: { 200: json(ref('Team')), ...errors(401, 404, 503) },
      },
      delete: {
        operationId: 'removeTeamMember',
        summary: 'Removes a user from the team (idempotent)',
        security: ADMIN,
        parameters: [pathParameter('id', 'Team id'), pathParameter('userId', 'User id')],
        responses: { 200: json(ref('Team')), ...errors(401, 404, 503) },
      },
    },
    '/admin/v1/mcp/servers': {
      get: {
        operationId: 'mcpServers',
        summary: 'The configured MCP servers, whether they answer, and the tools injected from each',
        security: ADMIN,
        responses: { 200: json(object({ servers: { type: 'array', items: ref('McpServer') } })), ...errors(401) },
      },
    },
    '/admin/v1/usage': {
      get: { operationId: 'usage', security: ADMIN, parameters: usageQuery(['user', 'model', 'provider', 'day']), responses: { 200: json(ref('Usage')), ...errors(400, 401, 503) } },
    },
    '/admin/v1/interceptions': {
      get: {
        operationId: 'listInterceptions',
        summary: 'Recorded interceptions, newest first',
        security: ADMIN,
        parameters: [
          queryParameter('user', 'Initiator (user id)'),
          queryParameter('provider', 'Provider instance name'),
          queryParameter('model', 'Model'),
          queryParameter('status', 'Status', ref('InterceptionStatus')),
          queryParameter('from', 'Started at or after', dateTime),
          queryParameter('to', 'Started before', dateTime),
          ...pageQuery,
        ],
        responses: { 200: json(ref('InterceptionPage')), ...errors(400, 401, 503) },
      },
    },
    '/admin/v1/interceptions/{id}': {
      get: { operationId: 'getInterception', security: ADMIN, parameters: [pathParameter('id', 'Interception id')], responses: { 200: json(ref('InterceptionDetail')), ...errors(401, 404, 503) } },
    },
    '/admin/v1/activity': {
      get: {
        operationId: 'activity',
        summary: 'Interceptions, errors, tokens and cost over time (default: the last hour by minute)',
        security: ADMIN,
        parameters: [
          queryParameter('from', 'Start; default: 60 buckets before `to`', dateTime),
          queryParameter('to', 'End (exclusive); default: now, rounded up to a bucket', dateTime),
          queryParameter('bucketSeconds', 'Bucket width, 10-86400 (default 60); at most 1440 buckets', { type: 'integer', minimum: 10, maximum: 86_400 }),
        ],
        responses: { 200: json(ref('Activity')), ...errors(400, 401, 503) },
      },
    },
    '/admin/v1/audit': {
      get: {
        operationId: 'listAuditEntries',
        summary: 'The audit log of admin actions, newest first (hints only, never a token or key)',
        security: ADMIN,
        parameters: [
          queryParameter('actor', 'Who, e.g. `admin tg...en`'),
          queryParameter('action', 'Action', ref('AuditAction')),
          queryParameter('target', 'A user id, a token id, a team id, or `provider/position` for a pool key'),
          queryParameter('from', 'At or after', dateTime),
          queryParameter('to', 'Before', dateTime),
          ...pageQuery,
        ],
        responses: { 200: json(ref('AuditPage')), ...errors(400, 401, 503) },
      },
    },
    '/v1/me': {
      get: { operationId: 'whoAmI', security: CALLER, responses: { 200: json(ref('Me')), ...errors(401) } },
    },
    '/v1/me/keys': {
      get: { operationId: 'listMyKeys', security: CALLER, responses: { 200: json(ref('StoredKeys')), ...errors(401, 503) } },
    },
    '/v1/me/keys/{provider}': {
      put: {
        operationId: 'putMyKey',
        summary: 'Stores (or replaces) my key for a provider; answers its hint, never the key',
        security: CALLER,
        parameters: [pathParameter('provider', 'Provider instance name')],
        requestBody: body(ref('PutKey')),
        responses: { 200: json(ref('StoredKey')), ...errors(400, 401, 404, 503) },
      },
      delete: {
        operationId: 'deleteMyKey',
        security: CALLER,
        parameters: [pathParameter('provider', 'Provider instance name')],
        responses: { 204: { description: 'Removed' }, ...errors(401, 404, 503) },
      },
    },
    '/v1/me/limits': {
      get: {
        operationId: 'myLimits',
        summary: 'My rate and concurrency limits (user, teams, token) and what remains of each',
        security: CALLER,
        responses: { 200: json(ref('MyLimits')), ...errors(401, 503) },
      },
    },
    '/v1/me/usage': {
      get: { operationId: 'myUsage', security: CALLER, parameters: usageQuery(['model', 'provider', 'day']), responses: { 200: json(ref('Usage')), ...errors(400, 401, 503) } },
    },
  },
} as const;
