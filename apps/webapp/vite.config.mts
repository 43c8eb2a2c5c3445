import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by public-api at /app/, calling the API on the same origin. `npx vite apps/webapp`
// proxies the API's paths to a running public-api (GENBOT_API_URL, default the local port).
const api = process.env.GENBOT_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/webapp', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
  },
  server: {
    port: 5173,
    proxy: { '/api': api, '/files': api },
  },
});
