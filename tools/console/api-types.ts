import { OPENAPI_DOCUMENT } from '@tollgate/gateway';

/** Where the console's client types live (generated; never edited by hand). */
export const API_TYPES_FILE = 'apps/console/src/api/gateway-api.ts';

const HEADER = `// Generated from the gateway's OpenAPI document (libs/operator-api/src/openapi/openapi.document.ts) by
// \`npm run console:api\`. Do not edit: change the document and regenerate; a test fails when the two drift.

`;

/** The console's client types, rendered by openapi-typescript from the document the gateway serves. */
export async function renderApiTypes(): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(structuredClone(OPENAPI_DOCUMENT) as unknown as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}
