import { createHash } from 'node:crypto';

const MAX_TOOL_NAME_LENGTH = 64;
const HASH_SUFFIX_LENGTH = 8;

/**
 * The name a model sees for an MCP tool: `mcp_<server>_<tool>`, at most 64 characters from `[A-Za-z0-9_-]`. A name
 * that had to be cleaned or cut ends in a hash of the original server and tool, so it stays stable and unique.
 */
export function injectedToolName(server: string, tool: string): string {
  const wanted = `mcp_${server}_${tool}`;
  const cleaned = wanted.replace(/[^A-Za-z0-9_-]/g, '_');
  if (cleaned === wanted && cleaned.length <= MAX_TOOL_NAME_LENGTH) return wanted;
  const hash = createHash('sha256').update(`${server}\u0000${tool}`).digest('hex').slice(0, HASH_SUFFIX_LENGTH);
  return `${cleaned.slice(0, MAX_TOOL_NAME_LENGTH - HASH_SUFFIX_LENGTH - 1)}_${hash}`;
}
