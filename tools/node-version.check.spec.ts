import { createRequire } from 'node:module';

const { unsupportedNodeMessage } = createRequire(__filename)('./node-version.check.cjs') as {
  unsupportedNodeMessage: (actualVersion: string, engines: string) => string | undefined;
};

describe('the Node.js version check (preinstall and every built entry point)', () => {
  it.each([
    ['20.20.2', true],
    ['22.11.9', true],
    ['18.0.0', true],
    ['22.12.0', false],
    ['22.13.1', false],
    ['24.0.0', false],
  ])('Node %s is refused by >=22.12: %s', (version, refused) => {
    expect(unsupportedNodeMessage(version, '>=22.12') !== undefined).toBe(refused);
  });

  it('says in one line which version is needed, which one runs and what to do', () => {
    const message = unsupportedNodeMessage('20.20.2', '>=22.12');
    expect(message).toBe(
      'Tollgate needs Node.js >=22.12 (package.json "engines") but this is Node.js 20.20.2: install Node.js 22.12 or newer (e.g. `nvm install 24`) and run it again',
    );
    expect(message).not.toContain('\n');
  });
});
