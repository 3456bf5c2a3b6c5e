import { spansPerInterception } from './spans-per-interception';

describe('spansPerInterception', () => {
  it('divides each service’s and each name’s spans by the interceptions served', () => {
    const result = spansPerInterception(
      { 'tollgate-recorder': { evalsha: 400, 'INSERT tollgate': 100 }, 'tollgate-gateway': { POST: 200, evalsha: 200, GET: 1 } },
      100,
      2,
    );
    expect(result.interceptions).toBe(100);
    expect(result.undecodedExports).toBe(2);
    expect(result.services.map((service) => [service.service, service.spans, service.perInterception])).toEqual([
      ['tollgate-gateway', 401, 4.01],
      ['tollgate-recorder', 500, 5],
    ]);
    expect(result.services[0].names).toEqual([
      { name: 'evalsha', spans: 200, perInterception: 2 },
      { name: 'POST', spans: 200, perInterception: 2 },
      { name: 'GET', spans: 1, perInterception: 0.01 },
    ]);
  });

  it('has no ratio without interceptions', () => {
    expect(spansPerInterception({ svc: { a: 3 } }, 0).services[0].perInterception).toBeNaN();
  });
});
