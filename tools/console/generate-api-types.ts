import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

/** `npm run console:api`: regenerates the console's client types from the gateway's OpenAPI document. */
async function main(): Promise<void> {
  const path = resolve(process.cwd(), API_TYPES_FILE);
  writeFileSync(path, await renderApiTypes());
  process.stdout.write(`wrote ${API_TYPES_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
