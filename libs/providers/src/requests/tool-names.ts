import { isJsonObject, type JsonObject } from '../json-value';

/**
 * Names of the tools a request offers: chat `function.name` (or `custom.name`), Responses/Anthropic `name`; a
 * built-in tool without a name (Responses `{"type":"web_search"}`) is listed by its type; Gemini `functionDeclarations`.
 */
export function toolNames(body: JsonObject): string[] {
  if (!Array.isArray(body.tools)) return [];
  const names: string[] = [];
  for (const tool of body.tools) {
    if (!isJsonObject(tool)) continue;
    if (Array.isArray(tool.functionDeclarations)) {
      // Gemini: one tool holds many function declarations.
      for (const declaration of tool.functionDeclarations) if (isJsonObject(declaration) && typeof declaration.name === 'string') names.push(declaration.name);
      continue;
    }
    const nested = isJsonObject(tool.function) ? tool.function : isJsonObject(tool.custom) ? tool.custom : undefined;
    const name = nested ? nested.name : (tool.name ?? tool.type);
    if (typeof name === 'string') names.push(name);
  }
  return names;
}
