import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARCHITECTURE_DOC, libraryGraphFromNxCache, withGeneratedBlock, withoutImpliedEdges } from './library-graph';

const WORKSPACE = resolve(__dirname, '../..');

describe('the library graph in docs/architecture.md', () => {
  beforeAll(() => {
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: WORKSPACE, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  it('is what the Nx project graph shows (else run `npm run docs:graph`)', () => {
    const doc = readFileSync(resolve(WORKSPACE, ARCHITECTURE_DOC), 'utf8');
    expect(doc).toBe(withGeneratedBlock(doc, libraryGraphFromNxCache()));
  });

  it('draws the gateway composition root over the operator API over the request path, and no way back', () => {
    const graph = libraryGraphFromNxCache();
    expect(graph).toContain('gateway_composition --> operator_api');
    expect(graph).toContain('gateway_composition --> request_path');
    expect(graph).toContain('operator_api --> request_path');
    expect(graph).not.toMatch(/request_path --> (operator_api|gateway_composition)/);
  });
});

describe('withoutImpliedEdges', () => {
  it('leaves out an edge a longer path implies, unless told to keep it', () => {
    const edges = [['app', 'lib'], ['app', 'base'], ['lib', 'base']] as const;
    expect(withoutImpliedEdges(edges)).toEqual([['app', 'lib'], ['lib', 'base']]);
    expect(withoutImpliedEdges(edges, ([from]) => from === 'app')).toEqual(edges);
  });
});
