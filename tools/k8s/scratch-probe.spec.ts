import { Deployment } from 'kubernetes-models/apps/v1';
it('loads', () => {
  const d = new Deployment({ metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 1 as unknown as string }] } } } });
  expect(() => d.validate()).toThrow();
});
