import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One built file, held in memory: the console is small and served without touching the disk per request. */
export interface ConsoleAsset {
  body: Buffer;
  /** Present for text files where compression pays. */
  gzip?: Buffer;
  contentType: string;
  etag: string;
  /** Content-hashed file names (Vite's `assets/`) never change: cache them for a year. */
  immutable: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);

/** The built console: every file under `dir` by its URL path (`/index.html`, `/assets/index-1a2b.js`). */
export class ConsoleAssets {
  private constructor(
    readonly dir: string,
    private readonly files: ReadonlyMap<string, ConsoleAsset>,
  ) {}

  /** Undefined when `dir` holds no built console (no index.html). */
  static load(dir: string): ConsoleAssets | undefined {
    const root = resolve(dir);
    if (!existsSync(join(root, 'index.html'))) return undefined;
    const files = new Map<string, ConsoleAsset>();
    for (const path of walk(root)) {
      const body = readFileSync(path);
      const extension = extname(path).toLowerCase();
      const urlPath = `/${relative(root, path).split(sep).join('/')}`;
      files.set(urlPath, {
        body,
        ...(COMPRESSIBLE.has(extension) && body.length > 1024 ? { gzip: gzipSync(body, { level: 9 }) } : {}),
        contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        immutable: urlPath.startsWith('/assets/'),
      });
    }
    return new ConsoleAssets(root, files);
  }

  /**
   * The file for a path under /console (without the prefix). A path without a file extension is a page of the
   * single-page app and gets index.html; a missing file with an extension is undefined (404).
   */
  resolve(path: string): ConsoleAsset | undefined {
    const file = this.files.get(path);
    if (file) return file;
    return extname(path) === '' ? this.files.get('/index.html') : undefined;
  }

  /** How many files, and their bytes (uncompressed), for the start-up log. */
  size(): { files: number; bytes: number } {
    let bytes = 0;
    for (const file of this.files.values()) bytes += file.body.length;
    return { files: this.files.size, bytes };
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
