// The teams, limits and model-policy routes (docs/limits.md), in the shape openapi-typescript renders, for the
// console to call before the OpenAPI document describes them. Once `npm run console:api` has them, this file goes.

import type { components, paths } from './gateway-api';

export interface LimitSet {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  concurrent?: number;
}

export interface ModelPolicy {
  allow?: string[];
  deny?: string[];
}

type Budget = { amountUsd: number; period: 'day' | 'week' | 'month' };

export interface Team {
  id: string;
  name: string;
  limits: LimitSet | null;
  budget: Budget | null;
  models: ModelPolicy | null;
  members: string[];
  createdAt: string;
  updatedAt: string;
}

/** `PATCH /admin/v1/teams/{id}`: what to change; `null` clears. */
export interface TeamChanges {
  name?: string;
  limits?: LimitSet | null;
  budget?: Budget | null;
  models?: ModelPolicy | null;
}

export interface MyLimit {
  scope: 'user' | 'team' | 'token';
  id: string;
  kind: 'request' | 'token' | 'concurrency';
  limit: number;
  remaining: number;
  resetsAt: string | null;
}

export interface MyLimits {
  items: MyLimit[];
  models: Array<{ level: 'deployment' | 'team' | 'user' | 'token'; id?: string; policy: ModelPolicy }>;
}

type UserAccess = { limits: LimitSet | null; models: ModelPolicy | null; teams: string[] };
type TokenScope = { expiresAt: string | null; limits: LimitSet | null; models: ModelPolicy | null; team: string | null; lastUsedAt: string | null };
type Schemas = components['schemas'];

export type ScopedUser = Schemas['User'] & UserAccess;
export type ScopedToken = Schemas['Token'] & TokenScope;
export type IssuedScopedToken = Schemas['IssuedToken'] & TokenScope;

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type Operation<Path, Query, Body, Responses> = {
  parameters: { query?: Query; header?: never; cookie?: never } & ([Path] extends [never] ? { path?: never } : { path: Path });
  responses: Responses;
} & ([Body] extends [never] ? { requestBody?: never } : { requestBody: { content: { 'application/json': Body } } });
type Page<T> = { items: T[]; next?: string };
type PageQuery = { limit?: number; after?: string };
type TeamPath = { id: string };
type MemberPath = { id: string; userId: string };
type UserPath = { id: string };
/** Some methods of an existing path replaced. */
type Override<P extends keyof paths, Methods> = Omit<paths[P], keyof Methods> & Methods;

interface AccessPaths {
  '/admin/v1/teams': {
    get: Operation<never, PageQuery, never, { 200: Json<Page<Team>> }>;
    post: Operation<never, never, { id: string; name: string }, { 201: Json<Team> }>;
  };
  '/admin/v1/teams/{id}': {
    get: Operation<TeamPath, never, never, { 200: Json<Team> }>;
    patch: Operation<TeamPath, never, TeamChanges, { 200: Json<Team> }>;
    delete: Operation<TeamPath, never, never, { 204: NoContent }>;
  };
  '/admin/v1/teams/{id}/members/{userId}': {
    put: Operation<MemberPath, never, never, { 200: Json<Team> }>;
    delete: Operation<MemberPath, never, never, { 200: Json<Team> }>;
  };
  '/admin/v1/users/{id}': Override<
    '/admin/v1/users/{id}',
    {
      get: Operation<UserPath, never, never, { 200: Json<ScopedUser> }>;
      patch: Operation<UserPath, never, Schemas['UpdateUser'] & { limits?: LimitSet | null; models?: ModelPolicy | null }, { 200: Json<ScopedUser> }>;
    }
  >;
  '/admin/v1/users/{id}/tokens': Override<
    '/admin/v1/users/{id}/tokens',
    {
      get: Operation<UserPath, PageQuery, never, { 200: Json<Page<ScopedToken>> }>;
      post: Operation<UserPath, never, { name?: string; expiresAt?: string; limits?: LimitSet; models?: ModelPolicy; team?: string }, { 201: Json<IssuedScopedToken> }>;
    }
  >;
  '/v1/me/limits': {
    get: Operation<never, never, never, { 200: Json<MyLimits> }>;
  };
}

export type ConsolePaths = Omit<paths, keyof AccessPaths> & AccessPaths;
