import { defineConfig } from 'vite'

// The server itself answers unknown non-file paths (deep links such as /projects/1/chat)
// with index.html, so the build needs no 404.html copy.

// The server serves dist/ with a strict CSP (script-src 'self', no inline scripts), so the
// build must not inline scripts: modulePreload's polyfill is off and assets stay files.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/media': 'http://127.0.0.1:8000',
      '/ws': { target: 'ws://127.0.0.1:8000', ws: true },
    },
  },
})
