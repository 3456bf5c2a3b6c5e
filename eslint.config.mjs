import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// `*.test-support.ts`: helpers beside the code that only its tests import.
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.test-support.ts', 'apps/*/test/**/*.ts'];

/** Who may import whom. Tests (and only tests) may also import the testing lib. */
function boundaries({ tests }) {
  const testing = tests ? ['type:testing'] : [];
  // The SQL stores' tests migrate and seed their database through the TypeORM lib.
  const dataInTests = tests ? ['type:data'] : [];
  // A test may start the other process (a gateway feeding a recorder) and migrate its database with the recorder's lib.
  const otherScopesInTests = tests ? ['scope:gateway', 'scope:recorder', 'scope:testing'] : [];
  const foundations = ['type:domain', 'type:contract', 'type:platform'];
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
      ],
      depConstraints: [
        // Layers: what a library may build on.
        { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', ...testing],
          bannedExternalImports: ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis'] },
        { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [...foundations, ...testing] },
        { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contract', ...testing] },
        { sourceTag: 'type:data', onlyDependOnLibsWithTags: [...foundations, ...testing, ...dataInTests] },
        // The SQL stores run in the standalone gateway, which loads no ORM: plain SQL through the platform's SQL port.
        { sourceTag: 'data:sql', onlyDependOnLibsWithTags: [...foundations, ...testing, ...dataInTests],
          bannedExternalImports: ['typeorm', '@nestjs/*'] },
        // The gateway's libraries (docs/architecture.md): the request path serves provider calls and knows nothing of
        // the operator API; the operator API reads and administers what the request path runs; the composition root
        // (@tollgate/gateway) builds both and is the only gateway library an app imports.
        { sourceTag: 'type:feature', onlyDependOnLibsWithTags: [...foundations, 'layer:request-path', ...testing] },
        { sourceTag: 'layer:request-path', onlyDependOnLibsWithTags: [...foundations, ...testing] },
        { sourceTag: 'layer:operator-api', onlyDependOnLibsWithTags: [...foundations, 'layer:request-path', ...testing] },
        { sourceTag: 'type:composition', onlyDependOnLibsWithTags: [...foundations, 'type:feature', ...testing] },
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...foundations, 'type:data', 'type:testing'] },
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...foundations, 'type:composition', 'type:data', ...testing] },
        // Scopes: which process a library runs in. The gateway process never loads the recorder's TypeORM library
        // (@tollgate/persistence, scope:recorder); it reaches Postgres through @tollgate/sql-stores, and only its entry
        // point wires a store in: the gateway's libraries do no SQL. The all-in-one embeds the recorder, so it may.
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', ...otherScopesInTests] },
        { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared', ...otherScopesInTests] },
        { allSourceTags: ['scope:gateway', 'type:feature'], notDependOnLibsWithTags: ['type:data'] },
        { allSourceTags: ['scope:gateway', 'type:composition'], notDependOnLibsWithTags: ['type:data'] },
        { sourceTag: 'scope:recorder', onlyDependOnLibsWithTags: ['scope:recorder', 'scope:shared', ...otherScopesInTests] },
        { sourceTag: 'scope:tollgate', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:recorder', 'scope:shared', ...otherScopesInTests] },
        { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:shared', ...otherScopesInTests] },
        { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:testing', 'scope:shared', 'scope:recorder'] },
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
