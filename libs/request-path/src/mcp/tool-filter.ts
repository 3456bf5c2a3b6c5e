/** Whether a server's tool is injected: it must match an `allow` pattern (when there are any) and no `deny` one. */
export function createToolFilter(allow: readonly string[] | undefined, deny: readonly string[]): (toolName: string) => boolean {
  const allowed = allow?.map((pattern) => new RegExp(pattern));
  const denied = deny.map((pattern) => new RegExp(pattern));
  return (toolName) => {
    if (denied.some((pattern) => pattern.test(toolName))) return false;
    return allowed === undefined || allowed.some((pattern) => pattern.test(toolName));
  };
}
