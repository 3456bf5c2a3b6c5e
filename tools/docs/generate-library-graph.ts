import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARCHITECTURE_DOC, libraryGraphFromNxCache, withGeneratedBlock } from './library-graph';

/** `npm run docs:graph`: redraws the library graph in docs/architecture.md from the Nx project graph. */
function main(): void {
  const path = resolve(process.cwd(), ARCHITECTURE_DOC);
  writeFileSync(path, withGeneratedBlock(readFileSync(path, 'utf8'), libraryGraphFromNxCache()));
  process.stdout.write(`wrote the library graph into ${ARCHITECTURE_DOC}\n`);
}

main();
