// Builds the investigator's web app into web/dist, which `crosslink serve` serves with an SPA fallback.
// The link chart (and Cytoscape, ~400 kB) is a lazily loaded chunk: the work queue does not pay for it.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 700 },
  // Development (`npx vite web`): the API runs under `crosslink serve` on its default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
