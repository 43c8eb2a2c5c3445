import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by admin-api at /panel/, calling the API on the same origin. `npx vite apps/admin-panel`
// proxies the API's paths to a running admin-api (GENBOT_ADMIN_API_URL, default the local port).
const api = process.env.GENBOT_ADMIN_API_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/panel/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/admin-panel', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
  },
  server: {
    port: 5174,
    proxy: { '/api': api, '/admin/queues': api },
  },
});
