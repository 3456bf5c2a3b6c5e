import type { EventEmitter } from 'node:events';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';

export interface UpstreamTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

/**
 * Cancels an upstream call: an AbortSignal, or the client's connection, an emitter whose `abort` event undici listens
 * to (much cheaper per request than an AbortController). Such an emitter must not have an `aborted` property: undici
 * takes anything with one for an AbortSignal.
 */
export type UpstreamAbortSignal = AbortSignal | (EventEmitter & { readonly isDisconnected: boolean });

/** Whether `signal` has fired. */
export function isAborted(signal: UpstreamAbortSignal): boolean {
  return 'aborted' in signal ? signal.aborted : signal.isDisconnected;
}

/** Where an upstream call goes: the origin and the path with its query, computed without a URL object per request. */
export interface UpstreamTarget {
  origin: string;
  path: string;
}

export interface UpstreamRequest {
  target: UpstreamTarget;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal: UpstreamAbortSignal;
  /** A user endpoint's dispatcher, pinned to the address the SSRF guard checked; default: the shared agent. */
  dispatcher?: Dispatcher;
}

export type UpstreamResponse = Dispatcher.ResponseData;

export type TransportFailure = 'timeout' | 'connection';

/** Classifies an error thrown by an upstream call; undefined when it was our own abort. */
export function classifyTransportError(error: unknown): TransportFailure | undefined {
  if (error instanceof undiciErrors.RequestAbortedError || (error as Error)?.name === 'AbortError') return undefined;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return 'timeout';
  }
  return 'connection';
}

/**
 * One shared undici agent (a keep-alive pool per origin) for every upstream call. Timeouts: connect, time to
 * response headers, and the idle gap between body chunks.
 */
export class UpstreamClient {
  private readonly agent: Agent;

  constructor(timeouts: UpstreamTimeouts) {
    this.agent = new Agent({
      connect: { timeout: timeouts.connectTimeoutMs },
      headersTimeout: timeouts.firstByteTimeoutMs,
      bodyTimeout: timeouts.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      // No cap on connections per origin: every in-flight stream holds its own HTTP/1.1 connection, and a capped
      // pool would queue request 513 behind streams that may last minutes (its client would wait for headers).
      connections: null,
      pipelining: 1,
    });
  }

  send(request: UpstreamRequest): Promise<UpstreamResponse> {
    return (request.dispatcher ?? this.agent).request({
      origin: request.target.origin,
      path: request.target.path,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
