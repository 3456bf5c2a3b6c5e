// Bundles each entry point (our code only; node_modules stay external) into dist/<name>/bundle.js with esbuild,
// started by a small dist/<name>/main.js (see launcher), and the admin console (a static single-page app, built by
// Vite) into dist/console, which the gateway serves.
// Usage: node tools/build.mjs [name ...]   (no name: every entry and the console)
import { build } from 'esbuild';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// `npm start` builds first: a too-old Node gets the one-line answer here too, not a stack trace from Vite.
const NODE_VERSION_CHECK = 'node-version.check.cjs';
const ENGINES = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
createRequire(import.meta.url)(`./${NODE_VERSION_CHECK}`).exitIfUnsupportedNode(ENGINES, 'tollgate build');

const entries = {
  gateway: 'apps/gateway/src/main.ts',
  recorder: 'apps/recorder/src/main.ts',
  tollgate: 'apps/tollgate/src/main.ts',
  demo: 'tools/demo/main.ts',
  admin: 'tools/admin/main.ts',
  'mock-upstream': 'tools/mock-upstream/main.ts',
  bench: 'tools/bench/main.ts',
  'nest-dispatch': 'tools/bench/nest-dispatch.measure.ts',
  'queue-shards': 'tools/bench/queue-shards.measure.ts',
  'key-state-propagation': 'tools/bench/key-state-propagation.measure.ts',
  'console-api': 'tools/console/generate-api-types.ts',
  'console-screenshots': 'tools/console/screenshots.ts',
};

// Source-mapped stack traces for our own code only: `--enable-source-maps` also covers node_modules, and the
// standalone gateway idled 8–12 MiB higher with it (measured side by side; see docs/benchmarks.md). The setting
// applies to modules loaded after it, hence a launcher in front of the bundle. Node before 22.14 has no per-origin
// switch and gets every map.
// The Node version check runs first, before the bundle loads anything a too-old Node would crash on.
const launcher = (name) => `'use strict';
require('./${NODE_VERSION_CHECK}').exitIfUnsupportedNode(${JSON.stringify(ENGINES)}, ${JSON.stringify(name)});
const nodeModule = require('node:module');
if (typeof nodeModule.setSourceMapsSupport === 'function') nodeModule.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
else process.setSourceMapsEnabled(true);
require('./bundle.js');
`;

const CONSOLE = 'console';
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in entries) && name !== CONSOLE);
if (unknown.length > 0) {
  console.error(`unknown build entry: ${unknown.join(', ')} (known: ${[...Object.keys(entries), CONSOLE].join(', ')})`);
  process.exit(2);
}
const { compilerOptions } = JSON.parse(readFileSync(new URL('../tsconfig.base.json', import.meta.url), 'utf8'));
const aliases = Object.fromEntries(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, `./${target}`]));

for (const name of (requested.length > 0 ? requested : Object.keys(entries)).filter((name) => name !== CONSOLE)) {
  await build({
    entryPoints: [entries[name]],
    outfile: `dist/${name}/bundle.js`,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    packages: 'external',
    alias: aliases,
    tsconfig: 'tsconfig.base.json',
    logLevel: 'warning',
  });
  copyFileSync(new URL(`./${NODE_VERSION_CHECK}`, import.meta.url), `dist/${name}/${NODE_VERSION_CHECK}`);
  writeFileSync(`dist/${name}/main.js`, launcher(name));
}

if (requested.length === 0 || requested.includes(CONSOLE)) {
  // Always React's production build, even when run from a test (jest sets NODE_ENV=test).
  process.env.NODE_ENV = 'production';
  const { build: buildConsole } = await import('vite');
  await buildConsole({ configFile: new URL('../apps/console/vite.config.mjs', import.meta.url).pathname, logLevel: 'warn' });
}
