import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ZodError } from 'zod';

/** An error of the user and admin APIs, rendered as `{"error":{"type","message"}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const invalidRequest = (message: string) => new ApiError(400, 'invalid_request', message);

/**
 * Renders ApiErrors, validation failures, Nest's own HTTP errors and Fastify's parse errors in the API's error shape
 * (registered for the whole Nest surface: the provider routes answer in the provider's shape on their own).
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, type, message } = describe(error);
    void reply.status(status).header('content-type', 'application/json').send(JSON.stringify({ error: { type, message } }));
  }
}

function describe(error: unknown): { status: number; type: string; message: string } {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`);
    return { status: 400, type: 'invalid_request', message: issues.join('; ') };
  }
  // The store's "that `after` cursor is not one of ours" (matched by code: the gateway cannot import the store).
  if ((error as { code?: unknown } | undefined)?.code === 'invalid_cursor') {
    return { status: 400, type: 'invalid_request', message: 'after: not a cursor this API returned' };
  }
  if (error instanceof HttpException) {
    const response = error.getResponse() as { error?: { type?: string; message?: string } } | string;
    if (typeof response === 'object' && response.error?.type) {
      return { status: error.getStatus(), type: response.error.type, message: response.error.message ?? error.message };
    }
    return { status: error.getStatus(), type: error.getStatus() === 404 ? 'not_found' : 'invalid_request', message: error.message };
  }
  // Fastify's own errors before a route runs: malformed JSON, a body over the limit.
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, type: status === 413 ? 'payload_too_large' : 'invalid_request', message: (error as Error).message };
  }
  return { status: 500, type: 'internal', message: 'internal gateway error' };
}

