import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by the bot app at /sandbox/ (npm start with no BOT_TOKEN), calling its API on the same
// origin. `npx vite apps/sandbox` proxies that API to a running genbot (GENBOT_BOT_URL).
const bot = process.env.GENBOT_BOT_URL ?? 'http://127.0.0.1:3002';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/sandbox/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/sandbox', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
  },
  server: {
    port: 5174,
    proxy: { '/sandbox/api': bot },
  },
});
