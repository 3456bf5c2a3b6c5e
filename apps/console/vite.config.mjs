// The console is a static single-page app served by the gateway under /console (libs/operator-api/src/console).
// `node tools/build.mjs console` builds it into dist/console; `npx vite apps/console` serves it for development,
// proxying the API to a gateway on :8080.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: { outDir: '../../dist/console', emptyOutDir: true, sourcemap: false, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: Object.fromEntries(['/admin', '/v1', '/openapi.json'].map((path) => [path, 'http://127.0.0.1:8080'])),
  },
});
