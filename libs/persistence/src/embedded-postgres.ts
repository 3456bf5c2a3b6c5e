import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A PGlite database served over the Postgres wire protocol on loopback, so the pg driver can talk to it. */
export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** PGlite has one backend: the server takes one client connection at a time. */
  maxConnections: 1;
  stop(): Promise<void>;
}

type WorkerMessage = { type: 'listening'; address: string } | { type: 'stopped' } | { type: 'error'; message: string };

// PGlite runs Postgres compiled to WebAssembly synchronously on the thread that calls it. It gets a worker thread of
// its own so that queries never block the gateway's event loop (streaming responses). The worker is plain
// JavaScript evaluated from this string and loads PGlite by the paths resolved here, so it runs the same from the
// esbuild bundle, from ts sources and under jest.
// Postgres' default 128 MB of shared buffers stay resident in the WebAssembly heap; 16 MB are plenty for one team's
// recording and cost about 130 MiB less memory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const { PGLiteSocketServer } = require(workerData.socketPath);
(async () => {
  const defaults = Array.isArray(PGlite.defaultStartParams) ? PGlite.defaultStartParams : undefined;
  const options = defaults ? { startParams: [...defaults, '-c', 'shared_buffers=16MB'] } : {};
  const db = await PGlite.create(workerData.directory, options);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    try { await server.stop(); } finally { await db.close(); }
    parentPort.postMessage({ type: 'stopped' });
  });
  parentPort.postMessage({ type: 'listening', address: server.getServerConn() });
})().catch((error) => parentPort.postMessage({ type: 'error', message: String(error && error.stack || error) }));
`;

/** Opens (creating on first use) the persistent PGlite database in `${dataDir}/pglite` and serves it. */
export async function startEmbeddedPostgres(dataDir: string, onCrash: (error: Error) => void): Promise<EmbeddedPostgres> {
  const directory = join(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  if (!existsSync(join(directory, 'PG_VERSION'))) {
    // Creating the cluster (initdb) leaves a few hundred MiB in the worker's WebAssembly heap that are never given
    // back; doing it in a worker of its own, then serving from a fresh one, keeps the first start as lean as later ones.
    const initializer = await startWorker(directory);
    await initializer.stop();
  }
  return startWorker(directory, onCrash);
}

async function startWorker(directory: string, onCrash: (error: Error) => void = () => undefined): Promise<EmbeddedPostgres> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      directory,
      pglitePath: require.resolve('@electric-sql/pglite'),
      socketPath: require.resolve('@electric-sql/pglite-socket'),
    },
  });

  let address: string;
  try {
    address = await waitUntilListening(worker);
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  // After start, a failure of the worker (PGlite aborting) is reported; queries then fail with connection errors.
  let stopping: Promise<void> | undefined;
  worker.on('error', (error) => onCrash(error));
  worker.on('exit', (code) => {
    if (!stopping) onCrash(new Error(`embedded database worker exited unexpectedly with code ${code}`));
  });

  const separator = address.lastIndexOf(':');
  return {
    host: address.slice(0, separator),
    port: Number(address.slice(separator + 1)),
    maxConnections: 1,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        // Closing PGlite flushes its files; if the worker is already gone there is nothing left to close.
        worker.once('message', () => void worker.terminate().then(() => resolve()));
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
      return stopping;
    },
  };
}

function waitUntilListening(worker: Worker): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      settle();
      if (message.type === 'listening') resolve(message.address);
      else reject(new Error(`embedded database failed to start: ${message.type === 'error' ? message.message : message.type}`));
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onExit = (code: number) => {
      settle();
      reject(new Error(`embedded database worker exited with code ${code} while starting`));
    };
    // Only our own listeners are removed: the Worker keeps internal ones that deliver messages.
    const settle = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
