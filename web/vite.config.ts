// The dashboard's build: vite bundles web/src into dist/web (scripts/build.ts runs it with root = web/).
// JSX goes through vite's own esbuild to preact's runtime; no framework plugin is needed.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts loads only when a chart is shown, in its own chunk; it is large by nature.
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  // `npx vite web` during development: the API of a daemon running on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:7780' } },
});
