import { spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

/** A PGlite database served over the Postgres wire protocol on loopback, so the pg driver can talk to it. */
export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** PGlite has one backend: the server takes one client connection at a time. */
  maxConnections: 1;
  stop(): Promise<void>;
}

type ServerMessage = { type: 'listening'; address: string } | { type: 'stopped' } | { type: 'error'; message: string };

/** What runs the server, a worker thread or a child process: both emit `message`, `error` and `exit`. */
interface ServerHost {
  events: EventEmitter;
  send(message: 'stop'): void;
  /** Ends it once it has answered `stop` (or is gone). */
  end(): Promise<void>;
}

// PGlite runs Postgres compiled to WebAssembly synchronously on the thread that calls it. It is served from a worker
// thread of its own so that queries never block the gateway's event loop (streaming responses). The server is plain
// JavaScript evaluated from this string and loads PGlite by the paths resolved here, so it runs the same from the
// esbuild bundle, from ts sources and under jest; a child process runs the same code.
// Postgres' default 128 MB of shared buffers stay resident in the WebAssembly heap; 16 MB are plenty for one team's
// recording and cost about 130 MiB less memory.
const SERVER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const settings = workerData ?? JSON.parse(process.argv[1]);
const send = (message) => (parentPort ? parentPort.postMessage(message) : process.send(message));
const { PGlite } = require(settings.pglitePath);
const { PGLiteSocketServer } = require(settings.socketPath);
(async () => {
  const defaults = Array.isArray(PGlite.defaultStartParams) ? PGlite.defaultStartParams : undefined;
  const options = defaults ? { startParams: [...defaults, '-c', 'shared_buffers=16MB'] } : {};
  const db = await PGlite.create(settings.directory, options);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  (parentPort ?? process).on('message', async (message) => {
    if (message !== 'stop') return;
    try { await server.stop(); } finally { await db.close(); }
    send({ type: 'stopped' });
  });
  send({ type: 'listening', address: server.getServerConn() });
})().catch((error) => send({ type: 'error', message: String(error && error.stack || error) }));
`;

// Right after start, V8 recompiles PGlite's hottest WebAssembly functions with its optimising compiler; for
// Postgres' largest functions that takes about 500 MiB for two seconds (the all-in-one went from about 270 to 700 MiB
// at every start, and idled about 60 MiB higher once done). Baseline code only has no such peak. V8 flags are per
// process: from here on they also apply to any WebAssembly this process compiles (undici's HTTP parser).
const BASELINE_WASM_ONLY = ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up'];

/**
 * Opens (creating on first use) the persistent PGlite database in `${dataDir}/pglite` and serves it. A new database
 * is first created, and handed to `prepare` (the schema), by a server in a child process.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  onCrash: (error: Error) => void,
  prepare: (server: EmbeddedPostgres) => Promise<void> = async () => undefined,
): Promise<EmbeddedPostgres> {
  const directory = join(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  if (!existsSync(join(directory, 'PG_VERSION'))) {
    // Creating the cluster (initdb) and its tables grows PGlite's memory by a few hundred MiB. A worker thread's
    // memory, even once the thread has ended, stays with the process's allocator (measured: the first start idled
    // about 120 MiB above later ones); a child process gives all of it back when it exits.
    const creator = await startServer(childProcessHost(directory));
    try {
      await prepare(creator);
    } finally {
      await creator.stop();
    }
  }
  for (const flag of BASELINE_WASM_ONLY) setFlagsFromString(flag);
  return startServer(workerHost(directory), onCrash);
}

function serverSettings(directory: string) {
  return { directory, pglitePath: require.resolve('@electric-sql/pglite'), socketPath: require.resolve('@electric-sql/pglite-socket') };
}

function workerHost(directory: string): ServerHost {
  const worker = new Worker(SERVER_SOURCE, { eval: true, workerData: serverSettings(directory) });
  return { events: worker, send: (message) => worker.postMessage(message), end: async () => void (await worker.terminate()) };
}

function childProcessHost(directory: string): ServerHost {
  const child = spawn(process.execPath, [...BASELINE_WASM_ONLY, '-e', SERVER_SOURCE, JSON.stringify(serverSettings(directory))], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    events: child,
    send: (message) => void (child.connected && child.send(message)),
    // With its channel closed and its server stopped, the child has nothing left to do and exits.
    async end() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

async function startServer(host: ServerHost, onCrash: (error: Error) => void = () => undefined): Promise<EmbeddedPostgres> {
  let address: string;
  try {
    address = await waitUntilListening(host);
  } catch (error) {
    await host.end();
    throw error;
  }

  // After start, a failure of the server (PGlite aborting) is reported; queries then fail with connection errors.
  let stopping: Promise<void> | undefined;
  host.events.on('error', (error: Error) => onCrash(error));
  host.events.on('exit', (code: number | null) => {
    if (!stopping) onCrash(new Error(`embedded database server exited unexpectedly with code ${code}`));
  });

  const separator = address.lastIndexOf(':');
  return {
    host: address.slice(0, separator),
    port: Number(address.slice(separator + 1)),
    maxConnections: 1,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        // Closing PGlite flushes its files; if the server is already gone there is nothing left to close.
        host.events.once('message', () => void host.end().then(() => resolve()));
        host.events.once('exit', () => resolve());
        host.send('stop');
      });
      return stopping;
    },
  };
}

function waitUntilListening(host: ServerHost): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      settle();
      if (message.type === 'listening') resolve(message.address);
      else reject(new Error(`embedded database failed to start: ${message.type === 'error' ? message.message : message.type}`));
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onExit = (code: number | null) => {
      settle();
      reject(new Error(`embedded database server exited with code ${code} while starting`));
    };
    // Only our own listeners are removed: the Worker keeps internal ones that deliver messages.
    const settle = () => {
      host.events.off('message', onMessage);
      host.events.off('error', onError);
      host.events.off('exit', onExit);
    };
    host.events.on('message', onMessage);
    host.events.on('error', onError);
    host.events.on('exit', onExit);
  });
}
