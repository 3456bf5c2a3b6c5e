import 'reflect-metadata';
import type { RequestListener } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayModule } from './gateway.module';
import { GatewayRuntime, type GatewayDependencies } from './gateway-runtime';
import { createGatewayServer } from '@tollgate/request-path';
import { registerNotFoundRoute } from '@tollgate/request-path';
import { answerFrameworkError } from '@tollgate/request-path';
import { registerConsoleRoutes } from '@tollgate/operator-api';
import { ApiErrorFilter } from '@tollgate/operator-api';
import { NestPinoLogger } from '@tollgate/platform';
import { sleep } from '@tollgate/time';

export interface GatewayApp {
  app: NestFastifyApplication;
  runtime: GatewayRuntime;
  /** Resolves with the bound address, e.g. `http://127.0.0.1:8080`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createGatewayApp(deps: GatewayDependencies): Promise<GatewayApp> {
  const runtime = new GatewayRuntime(deps);
  await runtime.start();
  // The provider surface is served by the server itself (see createGatewayServer); Fastify gets everything else.
  const adapter = new FastifyAdapter({
    bodyLimit: deps.config.server.apiMaxBodyBytes,
    logger: false,
    return503OnClosing: true,
    // The server's own `clientError` listener answers (RequestTimeoutResponder); Fastify's must not write a second answer.
    clientErrorHandler: () => undefined,
    frameworkErrors: answerFrameworkError,
    serverFactory: (fastifyHandler: RequestListener) => createGatewayServer(runtime, fastifyHandler),
    schemaController: { compilersFactory: { buildValidator: refuseRouteSchemas, buildSerializer: refuseRouteSchemas } },
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(runtime), adapter, {
    logger: new NestPinoLogger(deps.logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new ApiErrorFilter());
  registerNotFoundRoute(app.getHttpAdapter().getInstance());
  registerConsoleRoutes(app.getHttpAdapter().getInstance(), deps.config.console, deps.logger);
  await app.init();

  return {
    app,
    runtime,
    async listen(port = deps.config.server.port, host = deps.config.server.host) {
      await app.listen(port, host);
      runtime.lifecycle.markReady();
      const address = app.getHttpServer().address();
      const bound = typeof address === 'object' && address ? address.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    },
    async close() {
      await drainAndClose(app, runtime);
    },
  };
}

/**
 * No route declares a JSON schema (bodies are checked with zod, responses are written as they are), so Fastify's
 * default schema compilers, ajv and fast-json-stringify, are never loaded: this stands in for them and fails the
 * route that would need one.
 */
function refuseRouteSchemas(): never {
  throw new Error('Fastify route schemas are not used by the gateway: validate with zod');
}

/**
 * Graceful shutdown: /readyz turns 503 at once; after the grace the listener closes (new connections refused,
 * requests on open keep-alive connections get 503); in-flight requests and streams run until they finish or the
 * drain timeout cuts them; then the recording events still held get what is left of the drain timeout (at least
 * one enqueue timeout) to be delivered, and queue/Redis connections close.
 */
async function drainAndClose(app: NestFastifyApplication, runtime: GatewayRuntime): Promise<void> {
  const { graceMs, drainTimeoutMs } = runtime.config.server.shutdown;
  runtime.lifecycle.startDraining();
  runtime.logger.info({ graceMs, drainTimeoutMs }, 'draining: readiness is now 503');
  await sleep(graceMs);
  const drainEndsAt = Date.now() + drainTimeoutMs;
  const server = app.getHttpServer();
  const deadline = setTimeout(() => {
    runtime.logger.warn('drain timeout reached: closing the remaining connections');
    server.closeAllConnections();
  }, drainTimeoutMs);
  // A keep-alive connection whose last response finishes during the drain would otherwise hold the close open.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 200);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
    clearInterval(idleSweep);
  }
  await runtime.close(Math.max(drainEndsAt - Date.now(), runtime.config.recording.enqueueTimeoutMs));
}
