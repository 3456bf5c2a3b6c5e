/** Incoming request headers as Node gives them: lower-cased names, duplicates possibly as arrays. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export function firstHeaderValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
