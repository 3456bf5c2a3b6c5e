import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

describe("the console's API types", () => {
  it("are what openapi-typescript makes of the gateway's OpenAPI document (else run `npm run console:api`)", async () => {
    const committed = readFileSync(resolve(__dirname, '../..', API_TYPES_FILE), 'utf8');
    expect(committed).toBe(await renderApiTypes());
  }, 20_000);
});
