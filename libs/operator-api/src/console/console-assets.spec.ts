import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConsoleAssets } from './console-assets';

describe('ConsoleAssets', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-console-assets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function build(): ConsoleAssets {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), `export const text = ${JSON.stringify('a'.repeat(5000))};`);
    writeFileSync(join(dir, 'assets', 'logo-def456.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    return ConsoleAssets.load(dir)!;
  }

  it('is undefined for a directory without index.html (not built)', () => {
    expect(ConsoleAssets.load(dir)).toBeUndefined();
    expect(ConsoleAssets.load(join(dir, 'missing'))).toBeUndefined();
  });

  it('answers files by URL path, index.html for app pages, nothing for a missing file', () => {
    const assets = build();
    expect(assets.resolve('/assets/index-abc123.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: true });
    expect(assets.resolve('/index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', immutable: false });
    expect(assets.resolve('/')).toBe(assets.resolve('/index.html'));
    expect(assets.resolve('/interceptions/0b6f3f8e')).toBe(assets.resolve('/index.html'));
    expect(assets.resolve('/assets/gone-999.js')).toBeUndefined();
    expect(assets.resolve('/../package.json')).toBeUndefined();
    expect(assets.size()).toEqual({ files: 3, bytes: expect.any(Number) });
  });

  it('keeps a gzip copy of large text files only, and an ETag per content', () => {
    const assets = build();
    const script = assets.resolve('/assets/index-abc123.js')!;
    expect(gunzipSync(script.gzip!).equals(script.body)).toBe(true);
    expect(script.gzip!.length).toBeLessThan(script.body.length / 10);
    expect(assets.resolve('/index.html')!.gzip).toBeUndefined();
    expect(assets.resolve('/assets/logo-def456.png')!.contentType).toBe('image/png');
    expect(assets.resolve('/assets/logo-def456.png')!.gzip).toBeUndefined();
    expect(script.etag).toMatch(/^"[\w-]{27}"$/);
    expect(script.etag).not.toBe(assets.resolve('/index.html')!.etag);
  });
});
