import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// `*.test-support.ts`: helpers beside the code that only its tests import.
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.test-support.ts', 'apps/*/test/**/*.ts'];

/** Who may import whom. Tests (and only tests) may also import the testing lib. */
function boundaries({ tests }) {
  const testing = tests ? ['type:testing'] : [];
  // The SQL stores' tests migrate and seed their database through the TypeORM lib.
  const dataInTests = tests ? ['type:data'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      ignoredCircularDependencies: [
        // The contracts' specs use the testing lib's fixtures and fake clock, which build on those contracts. Only
        // tests make these loops: the constraints below still keep the contracts' own code off the testing lib.
        ['recording', 'testing'],
        ['time', 'testing'],
        // Until the request path and the operator API take narrow services instead of the whole GatewayRuntime.
        ['request-path', 'gateway-composition'],
        ['operator-api', 'gateway-composition'],
      ],
      depConstraints: [
        { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', ...testing],
          bannedExternalImports: ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis'] },
        { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:platform', ...testing] },
        { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contract', ...testing] },
        { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contract', 'type:platform', 'type:domain', ...testing, ...dataInTests] },
        // The SQL stores run in the standalone gateway, which loads no ORM: plain SQL through the platform's SQL port.
        { sourceTag: 'data:sql', onlyDependOnLibsWithTags: ['type:contract', 'type:platform', 'type:domain', ...testing, ...dataInTests],
          bannedExternalImports: ['typeorm', '@nestjs/*'] },
        { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:contract', 'type:platform', ...testing] },
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:platform', 'type:data', 'type:testing'] },
        // The gateway's code does no SQL; its entry point may still wire in a database-backed store (users, tokens).
        { allSourceTags: ['scope:gateway', 'type:feature'], notDependOnLibsWithTags: ['type:data'] },
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:contract', 'type:platform', 'type:data', ...testing] },
      ],
    },
  ];
}

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/coverage/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries({ tests: false }),
    },
  },
  { files: TEST_FILES, rules: { '@nx/enforce-module-boundaries': boundaries({ tests: true }) } },
  {
    // Only the config module reads the environment.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/platform/src/config/**', 'libs/testing/**', ...TEST_FILES],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @tollgate/platform config.' }],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
];
