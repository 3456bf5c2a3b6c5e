// Generated from the gateway's OpenAPI document (libs/operator-api/src/openapi/openapi.document.ts) by
// `npm run console:api`. Do not edit: change the document and regenerate; a test fails when the two drift.

export interface paths {
    "/admin/v1/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Interceptions, errors, tokens and cost over time (default: the last hour by minute) */
        get: operations["activity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log of admin actions, newest first (hints only, never a token or key) */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/interceptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recorded interceptions, newest first */
        get: operations["listInterceptions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/interceptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["getInterception"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/mcp/servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The configured MCP servers, whether they answer, and the tools injected from each */
        get: operations["mcpServers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every provider instance and its keys (hints, states, last use) */
        get: operations["listKeyPools"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/providers/{name}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One provider's keys */
        get: operations["listProviderKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/providers/{name}/keys/{position}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Back to valid on every replica */
        post: operations["enableProviderKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listTeams"];
        put?: never;
        post: operations["createTeam"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/teams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["getTeam"];
        put?: never;
        post?: never;
        /** Deletes a team and its memberships; refused (409) while active tokens are scoped to it */
        delete: operations["deleteTeam"];
        options?: never;
        head?: never;
        /** Name, limits, budget, model policy (null clears) */
        patch: operations["updateTeam"];
        trace?: never;
    };
    "/admin/v1/teams/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Adds a user to the team (idempotent) */
        put: operations["addTeamMember"];
        post?: never;
        /** Removes a user from the team (idempotent) */
        delete: operations["removeTeamMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revokes a gateway token on every replica within a second (with Redis; else within a poll interval) */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listUsers"];
        put?: never;
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Display name, BYOK mode, budget, limits, model policy (null: the deployment default, or none) */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/admin/v1/users/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's stored keys (hints only) */
        get: operations["listUserKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users/{id}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listTokens"];
        put?: never;
        /** Issues a gateway token, optionally scoped (expiry, limits, model policy, team); returned this once */
        post: operations["issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["whoAmI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listMyKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/keys/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Stores (or replaces) my key for a provider; answers its hint, never the key */
        put: operations["putMyKey"];
        post?: never;
        delete: operations["deleteMyKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My rate and concurrency limits (user, teams, token) and what remains of each */
        get: operations["myLimits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["myUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Activity: {
            buckets: components["schemas"]["ActivityBucket"][];
            bucketSeconds: number;
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            totals: {
                cacheReadTokens: number;
                cacheWriteTokens: number;
                /** @description Integer micro-dollars: the exact figure. */
                costMicros: number;
                costUsd: number;
                errors: number;
                inputTokens: number;
                interceptions: number;
                outputTokens: number;
            };
        };
        ActivityBucket: {
            cacheReadTokens: number;
            cacheWriteTokens: number;
            /** @description Integer micro-dollars: the exact figure. */
            costMicros: number;
            costUsd: number;
            errors: number;
            inputTokens: number;
            interceptions: number;
            outputTokens: number;
            /** Format: date-time */
            start: string;
        };
        /** @enum {string} */
        AuditAction: "user.create" | "user.update" | "token.issue" | "token.revoke" | "pool_key.enable" | "team.create" | "team.update" | "team.delete" | "team.member.add" | "team.member.remove";
        AuditEntry: {
            action: components["schemas"]["AuditAction"];
            /** @description The admin token's hint. */
            actor: string;
            /** Format: date-time */
            at: string;
            /** @description What changed; hints, never a secret. */
            details: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            id: string;
            /** @description The X-Request-Id of the admin call. */
            requestId: string;
            target: string;
        };
        AuditPage: {
            items: components["schemas"]["AuditEntry"][];
            next: string | null;
        };
        Budget: {
            amountUsd: number;
            period: components["schemas"]["BudgetPeriod"];
        };
        /** @enum {string} */
        BudgetPeriod: "day" | "week" | "month";
        /** @enum {string} */
        ByokMode: "disabled" | "prefer" | "require";
        CreateTeam: {
            id: string;
            name?: string;
        };
        CreateUser: {
            byokMode?: components["schemas"]["ByokMode"] | null;
            displayName?: string;
            id: string;
        };
        Error: {
            error: {
                message: string;
                type: string;
            };
        };
        Interception: {
            cacheReadTokens: number;
            cacheWriteTokens: number;
            client: string;
            costMicros: number;
            costUsd: number;
            /** @description Mask of the credential; never the credential. */
            credentialHint: string;
            /** @enum {string} */
            credentialKind: "centralized" | "byok";
            /** @enum {string} */
            credentialSource: "request" | "stored" | "pool";
            durationMs: number | null;
            endedAt: string | null;
            errorMessage: string | null;
            errorType: string | null;
            /** Format: uuid */
            id: string;
            /** @description The user id of the caller. */
            initiatorId: string;
            inputTokens: number;
            /** @description The model sent upstream (for a model alias, the serving target's). */
            model: string;
            outputTokens: number;
            /** @description The provider type. */
            provider: string;
            /** @description The provider instance that served (for a model alias, the target that served it, or the last one tried). */
            providerName: string;
            /** @description The model alias the client asked for (routing.aliases); null when it named a model. */
            requestedModel: string | null;
            /** Format: date-time */
            startedAt: string;
            status: components["schemas"]["InterceptionStatus"];
            streaming: boolean;
        };
        InterceptionDetail: {
            cacheReadTokens: number;
            cacheWriteTokens: number;
            client: string;
            costMicros: number;
            costUsd: number;
            /** @description Mask of the credential; never the credential. */
            credentialHint: string;
            /** @enum {string} */
            credentialKind: "centralized" | "byok";
            /** @enum {string} */
            credentialSource: "request" | "stored" | "pool";
            durationMs: number | null;
            endedAt: string | null;
            errorMessage: string | null;
            errorType: string | null;
            /** Format: uuid */
            id: string;
            /** @description The user id of the caller. */
            initiatorId: string;
            inputTokens: number;
            metadata: {
                [key: string]: unknown;
            };
            /** @description The model sent upstream (for a model alias, the serving target's). */
            model: string;
            outputTokens: number;
            priceVersion: string | null;
            /** @description The provider type. */
            provider: string;
            /** @description The provider instance that served (for a model alias, the target that served it, or the last one tried). */
            providerName: string;
            /** @description The model alias the client asked for (routing.aliases); null when it named a model. */
            requestedModel: string | null;
            /** Format: date-time */
            startedAt: string;
            status: components["schemas"]["InterceptionStatus"];
            streaming: boolean;
            tokenUsages: components["schemas"]["TokenUsage"][];
            /** @description Jaeger's search for the trace; null when `console.jaegerUrl` is unset. */
            traceUrl: string | null;
            userAgent: string;
        };
        InterceptionPage: {
            items: components["schemas"]["Interception"][];
            next: string | null;
        };
        /** @enum {string} */
        InterceptionStatus: "ok" | "error" | "in_flight";
        IssuedToken: {
            /** Format: date-time */
            createdAt: string;
            /** @description Refused (401) from then on; null: never expires. */
            expiresAt: string | null;
            hint: string;
            /** Format: uuid */
            id: string;
            /** @description Written by the gateways in batches (up to a poll interval late); null: never used. */
            lastUsedAt: string | null;
            limits: components["schemas"]["LimitSet"] | null;
            models: components["schemas"]["ModelPolicy"] | null;
            name: string;
            revokedAt: string | null;
            /** @description The one team the token's requests count against; null: every team of the user. */
            team: string | null;
            /** @description The gateway token itself: shown this once, never again. */
            token: string;
            user: string;
        };
        IssueToken: {
            /**
             * Format: date-time
             * @description Refused from then on; must lie ahead.
             */
            expiresAt?: string;
            limits?: components["schemas"]["LimitSet"];
            models?: components["schemas"]["ModelPolicy"];
            name?: string;
            /** @description One of the user's teams: the token's requests count only against it. */
            team?: string;
        };
        KeyListing: {
            hint: string;
            position: number;
            reason?: components["schemas"]["KeyReason"];
            state: components["schemas"]["KeyState"];
            /**
             * Format: date-time
             * @description End of the cooldown; cooling keys only.
             */
            until?: string;
        };
        KeyPools: {
            lastUseRecorded: boolean;
            /**
             * Format: date-time
             * @description The gateway's clock, for countdowns.
             */
            now: string;
            providers: components["schemas"]["ProviderPool"][];
        };
        /** @enum {string} */
        KeyReason: "rate_limited" | "unauthorized" | "forbidden";
        /** @enum {string} */
        KeyState: "valid" | "cooling" | "disabled";
        LimitSet: {
            /** @description Requests in flight at once. */
            concurrent?: number;
            /** @description A token bucket of this capacity, refilled at this many per minute. */
            requestsPerMinute?: number;
            /** @description The same bucket in tokens (input + output). */
            tokensPerMinute?: number;
        };
        McpServer: {
            /** @description Why the last refresh failed. */
            lastError?: string;
            /** Format: date-time */
            lastRefreshAt?: string;
            name: string;
            tools: {
                description: string;
                /** @description The injected name the model sees. */
                name: string;
                serverToolName: string;
            }[];
            /** @description Whether the last tool-list refresh reached it; absent before the first. */
            up?: boolean;
            /** @description The endpoint, without its query string. */
            url: string;
        };
        Me: {
            budget: components["schemas"]["Budget"] | null;
            byokMode: components["schemas"]["ByokMode"] | null;
            createdAt: string | null;
            displayName: string;
            effectiveBudget: components["schemas"]["Budget"] | null;
            effectiveByokMode: components["schemas"]["ByokMode"];
            id: string;
            keys: components["schemas"]["StoredKey"][];
            /** @description The user's own limits; null: `limits.default` applies. */
            limits: components["schemas"]["LimitSet"] | null;
            /** @description The user's own model policy; null: none. */
            models: components["schemas"]["ModelPolicy"] | null;
            /** @description The teams the user belongs to. */
            teams: string[];
            updatedAt: string | null;
        };
        ModelPolicy: {
            /** @description Patterns (`*` wildcard) matching `provider/model` or `model`; empty or missing: every model. */
            allow?: string[];
            /** @description Patterns refused; deny wins over allow. */
            deny?: string[];
        };
        MyLimitItem: {
            /** @description User id, team id or gateway token id. */
            id: string;
            /** @enum {string} */
            kind: "request" | "token" | "concurrency";
            limit: number;
            remaining: number;
            /** @description When the bucket is full again; null when it is, and for concurrency. */
            resetsAt: string | null;
            /** @enum {string} */
            scope: "user" | "team" | "token";
        };
        MyLimits: {
            items: components["schemas"]["MyLimitItem"][];
            /** @description The model policies my requests must pass, one per level that has one. */
            models: {
                id?: string;
                /** @enum {string} */
                level: "deployment" | "team" | "user" | "token";
                policy: components["schemas"]["ModelPolicy"];
            }[];
        };
        PoolKey: components["schemas"]["KeyListing"] & {
            lastUsedAt: string | null;
        };
        ProviderPool: {
            keys: components["schemas"]["PoolKey"][];
            name: string;
            /** @description The AWS region of a Bedrock upstream */
            region: string | null;
            /** @enum {string} */
            strategy: "ordered" | "round-robin";
            /** @enum {string} */
            type: "openai" | "anthropic" | "gemini";
            /**
             * @description The provider's own API, Claude on AWS Bedrock, or Azure OpenAI
             * @enum {string}
             */
            upstream: "direct" | "bedrock" | "azure-openai";
        };
        PutKey: {
            baseUrl?: string;
            key: string;
            verify?: boolean;
        };
        StoredKey: {
            baseUrl: string | null;
            /** Format: date-time */
            createdAt: string;
            hint: string;
            lastUsedAt: string | null;
            provider: string;
            /** Format: date-time */
            updatedAt: string;
        };
        StoredKeys: {
            keys: components["schemas"]["StoredKey"][];
        };
        Team: {
            /** @description Counted in addition to each member's own budget; null: none. */
            budget: components["schemas"]["Budget"] | null;
            /** Format: date-time */
            createdAt: string;
            id: string;
            limits: components["schemas"]["LimitSet"] | null;
            /** @description User ids. */
            members: string[];
            models: components["schemas"]["ModelPolicy"] | null;
            name: string;
            /** Format: date-time */
            updatedAt: string;
        };
        TeamPage: {
            items: components["schemas"]["Team"][];
            next?: string;
        };
        Token: {
            /** Format: date-time */
            createdAt: string;
            /** @description Refused (401) from then on; null: never expires. */
            expiresAt: string | null;
            hint: string;
            /** Format: uuid */
            id: string;
            /** @description Written by the gateways in batches (up to a poll interval late); null: never used. */
            lastUsedAt: string | null;
            limits: components["schemas"]["LimitSet"] | null;
            models: components["schemas"]["ModelPolicy"] | null;
            name: string;
            revokedAt: string | null;
            /** @description The one team the token's requests count against; null: every team of the user. */
            team: string | null;
            user: string;
        };
        TokenPage: {
            items: components["schemas"]["Token"][];
            next?: string;
        };
        TokenUsage: {
            cacheReadTokens: number;
            cacheWriteTokens: number;
            costMicros: number;
            /** Format: date-time */
            createdAt: string;
            extra: {
                [key: string]: number;
            };
            inputTokens: number;
            outputTokens: number;
            priced: boolean;
            providerResponseId: string;
        };
        UpdateTeam: {
            budget?: components["schemas"]["Budget"] | null;
            limits?: components["schemas"]["LimitSet"] | null;
            models?: components["schemas"]["ModelPolicy"] | null;
            name?: string;
        };
        UpdateUser: {
            budget?: components["schemas"]["Budget"] | null;
            byokMode?: components["schemas"]["ByokMode"] | null;
            displayName?: string;
            limits?: components["schemas"]["LimitSet"] | null;
            models?: components["schemas"]["ModelPolicy"] | null;
        };
        Usage: {
            /** Format: date-time */
            from: string;
            /** @enum {string} */
            groupBy: "user" | "model" | "provider" | "day";
            rows: components["schemas"]["UsageRow"][];
            /** Format: date-time */
            to: string;
            totals: components["schemas"]["UsageTotals"];
        };
        UsageRow: {
            cacheReadTokens: number;
            cacheWriteTokens: number;
            /** @description Integer micro-dollars: the exact figure. */
            costMicros: number;
            costUsd: number;
            inputTokens: number;
            interceptions: number;
            key: string;
            outputTokens: number;
        };
        UsageTotals: {
            cacheReadTokens: number;
            cacheWriteTokens: number;
            /** @description Integer micro-dollars: the exact figure. */
            costMicros: number;
            costUsd: number;
            inputTokens: number;
            interceptions: number;
            outputTokens: number;
        };
        User: {
            budget: components["schemas"]["Budget"] | null;
            byokMode: components["schemas"]["ByokMode"] | null;
            /** Format: date-time */
            createdAt: string;
            displayName: string;
            effectiveBudget: components["schemas"]["Budget"] | null;
            effectiveByokMode: components["schemas"]["ByokMode"];
            id: string;
            /** @description The user's own limits; null: `limits.default` applies. */
            limits: components["schemas"]["LimitSet"] | null;
            /** @description The user's own model policy; null: none. */
            models: components["schemas"]["ModelPolicy"] | null;
            /** @description The teams the user belongs to. */
            teams: string[];
            /** Format: date-time */
            updatedAt: string;
        };
        UserPage: {
            items: components["schemas"]["User"][];
            next?: string;
        };
    };
    responses: {
        /** @description The request is invalid; the message names each bad field. */
        Error400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No valid token. */
        Error401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not found. */
        Error404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Already exists, or still in use. */
        Error409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Needs the recording database, or stored keys need TOLLGATE_ENCRYPTION_KEYS. */
        Error503: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    activity: {
        parameters: {
            query?: {
                /** @description Bucket width, 10-86400 (default 60); at most 1440 buckets */
                bucketSeconds?: number;
                /** @description Start; default: 60 buckets before `to` */
                from?: string;
                /** @description End (exclusive); default: now, rounded up to a bucket */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    listAuditEntries: {
        parameters: {
            query?: {
                /** @description Action */
                action?: components["schemas"]["AuditAction"];
                /** @description Who, e.g. `admin tg...en` */
                actor?: string;
                /** @description The `next` of the previous page. */
                after?: string;
                /** @description At or after */
                from?: string;
                /** @description Page size, 1-200 (default 50). */
                limit?: number;
                /** @description A user id, a token id, a team id, or `provider/position` for a pool key */
                target?: string;
                /** @description Before */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    listInterceptions: {
        parameters: {
            query?: {
                /** @description The `next` of the previous page. */
                after?: string;
                /** @description Started at or after */
                from?: string;
                /** @description Page size, 1-200 (default 50). */
                limit?: number;
                /** @description Model */
                model?: string;
                /** @description Provider instance name */
                provider?: string;
                /** @description Status */
                status?: components["schemas"]["InterceptionStatus"];
                /** @description Started before */
                to?: string;
                /** @description Initiator (user id) */
                user?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InterceptionPage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    getInterception: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Interception id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InterceptionDetail"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    mcpServers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        servers: components["schemas"]["McpServer"][];
                    };
                };
            };
            401: components["responses"]["Error401"];
        };
    };
    listKeyPools: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyPools"];
                };
            };
            401: components["responses"]["Error401"];
        };
    };
    listProviderKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider instance name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: components["schemas"]["KeyListing"][];
                        provider: string;
                    };
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
        };
    };
    enableProviderKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider instance name */
                name: string;
                /** @description Key position, from 0 */
                position: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: components["schemas"]["KeyListing"];
                        provider: string;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
        };
    };
    listTeams: {
        parameters: {
            query?: {
                /** @description The `next` of the previous page. */
                after?: string;
                /** @description Page size, 1-200 (default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamPage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    createTeam: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTeam"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            409: components["responses"]["Error409"];
            503: components["responses"]["Error503"];
        };
    };
    getTeam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    deleteTeam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            503: components["responses"]["Error503"];
        };
    };
    updateTeam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTeam"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    addTeamMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team id */
                id: string;
                /** @description User id */
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    removeTeamMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team id */
                id: string;
                /** @description User id */
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Token id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    usage: {
        parameters: {
            query: {
                /** @description Only the pool's keys (`centralized`: what budgets count) or users' own keys (`byok`); default: both. */
                credentialKind?: "centralized" | "byok";
                /** @description Start (inclusive); default: the first day of this month (UTC). */
                from?: string;
                groupBy: "user" | "model" | "provider" | "day";
                /** @description End (exclusive); default: the first day of next month (UTC). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Usage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                /** @description The `next` of the previous page. */
                after?: string;
                /** @description Page size, 1-200 (default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUser"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            409: components["responses"]["Error409"];
            503: components["responses"]["Error503"];
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUser"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    listUserKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredKeys"];
                };
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    listTokens: {
        parameters: {
            query?: {
                /** @description The `next` of the previous page. */
                after?: string;
                /** @description Page size, 1-200 (default 50). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    issueToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IssueToken"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedToken"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    whoAmI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Error401"];
        };
    };
    listMyKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredKeys"];
                };
            };
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    putMyKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider instance name */
                provider: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutKey"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredKey"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    deleteMyKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider instance name */
                provider: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Error401"];
            404: components["responses"]["Error404"];
            503: components["responses"]["Error503"];
        };
    };
    myLimits: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MyLimits"];
                };
            };
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
    myUsage: {
        parameters: {
            query: {
                /** @description Only the pool's keys (`centralized`: what budgets count) or users' own keys (`byok`); default: both. */
                credentialKind?: "centralized" | "byok";
                /** @description Start (inclusive); default: the first day of this month (UTC). */
                from?: string;
                groupBy: "model" | "provider" | "day";
                /** @description End (exclusive); default: the first day of next month (UTC). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Usage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            503: components["responses"]["Error503"];
        };
    };
}
