// The viewer's front end: React, bundled by Vite into dist/viewer/public, which `evalspec view` serves.
// JSX is compiled by esbuild (no Babel plugin needed). Built at package build time: `npm run build`.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/viewer/public', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The strict CSP allows scripts from this origin only: no inline module-preload polyfill.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
  },
});
