import { withModel } from './model.rewriter';

const rewrite = (body: string, model = 'gpt-4o') => withModel(Buffer.from(body), model)?.toString('utf8');

describe('withModel', () => {
  it('replaces the top-level model value and keeps every other byte', () => {
    const body = '{ "stream" : true,\n  "model"  :  "fast" , "temperature": 0.10, "seed": 12345678901234567890 }';
    expect(rewrite(body)).toBe('{ "stream" : true,\n  "model"  :  "gpt-4o" , "temperature": 0.10, "seed": 12345678901234567890 }');
  });

  it('leaves nested model keys alone, in objects and arrays, before and after the top-level one', () => {
    const body = '{"metadata":{"model":"fast"},"tools":[{"model":"fast","x":[1,{"model":"a"}]}],"model":"fast","after":{"model":"fast"}}';
    expect(rewrite(body)).toBe('{"metadata":{"model":"fast"},"tools":[{"model":"fast","x":[1,{"model":"a"}]}],"model":"gpt-4o","after":{"model":"fast"}}');
  });

  it('is not fooled by "model" inside string values or by escaped quotes', () => {
    const body = '{"messages":[{"role":"user","content":"say \\"model\\":\\"fast\\" {"}],"model":"fa\\"st"}';
    const rewritten = rewrite(body)!;
    expect(JSON.parse(rewritten)).toEqual({ messages: [{ role: 'user', content: 'say "model":"fast" {' }], model: 'gpt-4o' });
    expect(rewritten.startsWith('{"messages":[{"role":"user","content":"say \\"model\\":\\"fast\\" {"}],')).toBe(true);
  });

  it('matches a key spelled with escapes, as a JSON parser does', () => {
    expect(rewrite('{"mod\\u0065l":"fast"}')).toBe('{"mod\\u0065l":"gpt-4o"}');
  });

  it('escapes the new model name as JSON', () => {
    const rewritten = rewrite('{"model":"fast"}', 'we"ird\\name\u2028');
    expect(JSON.parse(rewritten!)).toEqual({ model: 'we"ird\\name\u2028' });
  });

  it('replaces every top-level model member of a body that repeats it', () => {
    expect(rewrite('{"model":"a","n":1,"model":"fast"}')).toBe('{"model":"gpt-4o","n":1,"model":"gpt-4o"}');
  });

  it('handles literals, numbers and empty containers as values', () => {
    const body = '{"a":null,"b":false,"c":-1.5e3,"d":{},"e":[],"model":"fast"}';
    expect(rewrite(body)).toBe('{"a":null,"b":false,"c":-1.5e3,"d":{},"e":[],"model":"gpt-4o"}');
  });

  it('answers undefined for a body without a top-level model string, or not an object', () => {
    expect(rewrite('{"options":{"model":"fast"}}')).toBeUndefined();
    expect(rewrite('{"model":42}')).toBeUndefined();
    expect(rewrite('["model","fast"]')).toBeUndefined();
    expect(rewrite('{"model":"fast"')).toBeUndefined();
  });
});
