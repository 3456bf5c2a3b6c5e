import { describeProvider, type ProviderRef } from '../description/provider-descriptions';
import type { ProviderDescription } from '../description/provider-description';
import type { BridgedApi } from '../provider-type';

/** Objects the provider stores per account, reachable by id on passthrough routes (Responses, conversations). */
export type StoredObjectKind = 'response' | 'conversation';

export type RouteMatch =
  | {
      kind: 'bridged';
      api: BridgedApi;
      upstreamPath: string;
      /** The model named by the path's `{model}` segment (Gemini), decoded; otherwise the body names it. */
      model?: string;
      /** The route always streams: as SSE when the query says `alt=sse` (Gemini's `streamGenerateContent`). */
      streaming?: 'alt-sse';
    }
  | {
      kind: 'passthrough';
      upstreamPath: string;
      /** The model named by the path's `{model}` segment (Gemini's `countTokens`), decoded: a model policy applies. */
      model?: string;
      /** The stored object the path names by its `:id` segment (as sent, not decoded). */
      storedObject?: { kind: StoredObjectKind; id: string };
      /** The route creates a stored object of this kind; its id is in the answer's `id`. */
      creates?: StoredObjectKind;
      /** The provider's model list, or one model of it (`id` as sent, not decoded): answers a model policy shapes. */
      modelCatalog?: { kind: 'list' } | { kind: 'model'; id: string };
    };

export interface RouteRule {
  /** Upper-case HTTP method, or `*` for any. */
  method: string;
  /**
   * `/`-separated; `:id` matches one segment, a trailing `**` matches one or more segments, and `{model}` followed
   * by an optional literal (`{model}:generateContent`) matches a segment that ends with that literal, capturing the rest.
   */
  pattern: string;
  api?: BridgedApi;
  streaming?: 'alt-sse';
  /** The `:id` segment names a stored object of this kind. */
  storedObject?: StoredObjectKind;
  creates?: StoredObjectKind;
  modelCatalog?: 'list' | 'model';
}

interface CompiledRule {
  method: string;
  segments: readonly string[];
  api?: BridgedApi;
  streaming?: 'alt-sse';
  /** Where the `{model}` segment is (-1: none), and the literal that must follow the model in it. */
  modelIndex: number;
  modelSuffix: string;
  storedObject?: StoredObjectKind;
  /** Where the `:id` of a stored object is among the segments. */
  idIndex: number;
  creates?: StoredObjectKind;
  modelCatalog?: 'list' | 'model';
}

const COMPILED = new WeakMap<ProviderDescription, readonly CompiledRule[]>();

function compiledRules(provider: ProviderDescription): readonly CompiledRule[] {
  let rules = COMPILED.get(provider);
  if (!rules) {
    rules = provider.routes.map(compile);
    COMPILED.set(provider, rules);
  }
  return rules;
}

const MODEL_CAPTURE = '{model}';

function compile(rule: RouteRule): CompiledRule {
  const segments = rule.pattern.split('/').slice(1);
  const modelIndex = segments.findIndex((segment) => segment.startsWith(MODEL_CAPTURE));
  return {
    method: rule.method,
    segments,
    api: rule.api,
    streaming: rule.streaming,
    modelIndex,
    modelSuffix: modelIndex === -1 ? '' : segments[modelIndex].slice(MODEL_CAPTURE.length),
    storedObject: rule.storedObject,
    idIndex: segments.indexOf(':id'),
    creates: rule.creates,
    modelCatalog: rule.modelCatalog,
  };
}

/**
 * Which allow-listed route `METHOD pathAfterPrefix` is, or `undefined` (→ 404). The upstream path is the path
 * after the prefix, unchanged; paths that could climb out of the base URL (`.`/`..` segments) never match.
 */
export function matchRoute(provider: ProviderRef, method: string, pathAfterPrefix: string): RouteMatch | undefined {
  const segments = safeSegments(pathAfterPrefix);
  if (!segments) return undefined;
  const upperMethod = method.toUpperCase();
  for (const rule of compiledRules(describeProvider(provider))) {
    if ((rule.method === '*' || rule.method === upperMethod) && segmentsMatch(rule, segments)) {
      if (rule.modelIndex !== -1) return modelRouteMatch(rule, segments, pathAfterPrefix);
      if (rule.api) return { kind: 'bridged', api: rule.api, upstreamPath: pathAfterPrefix };
      if (rule.storedObject) return { kind: 'passthrough', upstreamPath: pathAfterPrefix, storedObject: { kind: rule.storedObject, id: segments[rule.idIndex] } };
      if (rule.creates) return { kind: 'passthrough', upstreamPath: pathAfterPrefix, creates: rule.creates };
      if (rule.modelCatalog === 'list') return { kind: 'passthrough', upstreamPath: pathAfterPrefix, modelCatalog: { kind: 'list' } };
      if (rule.modelCatalog === 'model') return { kind: 'passthrough', upstreamPath: pathAfterPrefix, modelCatalog: { kind: 'model', id: segments[rule.idIndex] } };
      return { kind: 'passthrough', upstreamPath: pathAfterPrefix };
    }
  }
  return undefined;
}

function segmentsMatch(rule: CompiledRule, segments: readonly string[]): boolean {
  const pattern = rule.segments;
  const rest = pattern[pattern.length - 1] === '**';
  const fixed = rest ? pattern.length - 1 : pattern.length;
  if (rest ? segments.length <= fixed : segments.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) {
    if (i === rule.modelIndex) {
      if (segments[i].length <= rule.modelSuffix.length || !segments[i].endsWith(rule.modelSuffix)) return false;
    } else if (pattern[i] !== ':id' && pattern[i] !== segments[i]) return false;
  }
  return true;
}

/** A route whose path names the model (Gemini): the model, decoded, travels with the match. */
function modelRouteMatch(rule: CompiledRule, segments: readonly string[], upstreamPath: string): RouteMatch {
  const segment = segments[rule.modelIndex];
  const sent = segment.slice(0, segment.length - rule.modelSuffix.length);
  if (rule.api) return { kind: 'bridged', api: rule.api, upstreamPath, model: decodeSegment(sent), streaming: rule.streaming };
  if (rule.modelCatalog === 'model') return { kind: 'passthrough', upstreamPath, modelCatalog: { kind: 'model', id: sent } };
  return { kind: 'passthrough', upstreamPath, model: decodeSegment(sent) };
}

/** Safe segments (below) decode without error; the fallback only keeps the type honest. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The path's segments, or `undefined` for a path that is empty, has empty segments, dot segments or backslashes —
 * also when percent-encoded: an upstream (or a proxy before it) that decodes `..%2F` or `%2e%2e` would otherwise climb
 * out of the id the route allows. A segment that still holds `%` after decoding (double encoding), or a control
 * character, is refused too: no provider id contains one.
 */
function safeSegments(path: string): string[] | undefined {
  if (path.length < 2 || path.charCodeAt(0) !== 0x2f || path.includes('\\')) return undefined;
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return undefined;
    if (segment.includes('%') && !isSafeEncodedSegment(segment)) return undefined;
  }
  return segments;
}

const UNSAFE_DECODED = /[/\\%\u0000-\u001f\u007f]/;

function isSafeEncodedSegment(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return false;
  }
  return decoded !== '.' && decoded !== '..' && !UNSAFE_DECODED.test(decoded);
}
