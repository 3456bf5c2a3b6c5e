import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { HttpTarget, TargetSet, UpstreamFlavour } from './bench-targets';
import { launchNodeProcess, type LaunchedProcess } from './child-process.launcher';

/**
 * Portkey's open-source gateway as a peer column: installed on demand into a cache directory outside the project's
 * dependencies, started with a preload that pins it to 127.0.0.1, and routed to the mocks by its request headers.
 */
export const PORTKEY_VERSION = '1.15.2';
const PORTKEY_PACKAGE = '@portkey-ai/gateway';
/** Its stream relay works with this release of the Node adapter (an npm `overrides` entry pins it). */
export const HONO_NODE_SERVER_VERSION = '1.13.5';
const INSTALL_TIMEOUT_MS = 180_000;

export const PORTKEY_DESCRIPTION = `Portkey's open-source gateway ${PORTKEY_VERSION} (Hono on @hono/node-server ${HONO_NODE_SERVER_VERSION}, no config file, routed per request by x-portkey-* headers)`;

/** Where the peer is installed: `~/.cache/tollgate/bench-peers/portkey-<version>`. */
export function portkeyCacheDir(cacheRoot = join(homedir(), '.cache', 'tollgate', 'bench-peers')): string {
  return join(cacheRoot, `portkey-${PORTKEY_VERSION}`);
}

/** The package.json generated in the cache directory: the pinned gateway and the pinned Node adapter. */
export function portkeyPackageJson(): Record<string, unknown> {
  return {
    name: 'tollgate-bench-peer-portkey',
    private: true,
    description: 'Installed by the Tollgate benchmark (tools/bench); not part of the project. Safe to delete.',
    dependencies: { [PORTKEY_PACKAGE]: PORTKEY_VERSION },
    overrides: { '@hono/node-server': HONO_NODE_SERVER_VERSION },
  };
}

/**
 * Portkey's OpenAI-compatible route with the headers that send a request to one mock: the `openai` provider, the
 * mock as custom host (Portkey appends `/chat/completions` to it) and a provider-looking key it forwards.
 */
export function portkeyTargets(portkeyUrl: string, mockUrls: Record<UpstreamFlavour, string>): TargetSet {
  const target = (flavour: UpstreamFlavour): HttpTarget => ({
    origin: portkeyUrl,
    path: '/v1/chat/completions',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer sk-bench-portkey-${flavour}-0000000000`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${mockUrls[flavour]}/openai/v1`,
    },
  });
  return { fast: target('fast'), paced: target('paced'), slow: target('slow') };
}

/** The installed entry point, or undefined when the cache directory does not hold exactly the pinned versions. */
export function installedPortkeyEntry(dir: string): string | undefined {
  try {
    if (readFileSync(join(dir, 'package.json'), 'utf8') !== packageJsonText()) return undefined;
    const portkey = readPackage(join(dir, 'node_modules', PORTKEY_PACKAGE));
    const adapter = readPackage(join(dir, 'node_modules', '@hono', 'node-server'));
    if (portkey.version !== PORTKEY_VERSION || adapter.version !== HONO_NODE_SERVER_VERSION) return undefined;
    const bin = typeof portkey.bin === 'string' ? portkey.bin : Object.values(portkey.bin ?? {})[0];
    const entry = bin ? join(dir, 'node_modules', PORTKEY_PACKAGE, bin) : undefined;
    return entry && existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Installs the pinned peer into `dir` unless it is there already (`npm install --prefix`, install scripts off),
 * through a sibling directory renamed into place, so an interrupted install leaves nothing half-made. Resolves with
 * the server's entry point; rejects with npm's own words when the registry cannot be reached.
 */
export async function ensurePortkeyInstalled(dir: string, log: (line: string) => void): Promise<string> {
  const installed = installedPortkeyEntry(dir);
  if (installed) return installed;
  const staging = `${dir}.installing-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), packageJsonText());
  log(`installing ${PORTKEY_PACKAGE}@${PORTKEY_VERSION} into ${dir} (npm install --prefix, outside the project)`);
  const startedAt = performance.now();
  try {
    await promisify(execFile)('npm', ['install', '--prefix', staging, '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', '--loglevel=error'], {
      cwd: staging,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`npm install ${PORTKEY_PACKAGE}@${PORTKEY_VERSION} failed: ${npmErrorSummary(stderr || message)}`);
  }
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`installed ${PORTKEY_PACKAGE}@${PORTKEY_VERSION} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  const entry = installedPortkeyEntry(dir);
  if (!entry) throw new Error(`npm installed ${PORTKEY_PACKAGE} into ${dir}, but not the pinned versions (${PORTKEY_VERSION}, @hono/node-server ${HONO_NODE_SERVER_VERSION})`);
  return entry;
}

/** Starts the installed peer on a free loopback port (its `--port=0`, pinned to 127.0.0.1 by the preload). */
export function launchPortkey(entry: string, preload: string, nodeArgs: string[] = []): Promise<LaunchedProcess> {
  return launchNodeProcess({
    name: 'portkey',
    script: entry,
    nodeArgs: ['--require', preload, ...nodeArgs],
    // --headless: no log-viewer UI routes; the gateway routes are the same.
    args: ['--port=0', '--headless'],
    cwd: dirname(entry),
    env: {},
    readyWhen: /bench preload: listening on (http:\/\/\S+)/,
    readyTimeoutMs: 30_000,
  });
}

function packageJsonText(): string {
  return `${JSON.stringify(portkeyPackageJson(), null, 2)}\n`;
}

function readPackage(dir: string): { version?: string; bin?: string | Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string; bin?: string | Record<string, string> };
}

/** npm's error lines without the pointer to its debug log (or the last lines, when it printed none). */
export function npmErrorSummary(output: string): string {
  const lines = output.trim().split('\n');
  const errors = lines.filter((line) => line.startsWith('npm error') && !line.includes('A complete log of this run'));
  return (errors.length > 0 ? errors.slice(0, 2).map((line) => line.replace(/^npm error\s*/, '')) : lines.slice(-2)).join('; ');
}
