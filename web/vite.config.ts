/**
 * Builds the dashboard into dist/web, which `headroom serve` sends as static files. The server's
 * Content-Security-Policy allows no inline script or style, so nothing here may inline either:
 * Vite emits the entry as an external module script and the CSS as a linked stylesheet.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  // Absolute, so the build works from the repository root (npm run build:web) and from web/.
  root: import.meta.dirname,
  base: '/',
  // No fast refresh plugin: Vite's own transform turns JSX into calls to react/jsx-runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Small assets would otherwise become data: URLs inside the CSS; keep every asset a file.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development, with `headroom serve` on its default port.
    proxy: { '/api': 'http://127.0.0.1:9877', '/login': 'http://127.0.0.1:9877' },
  },
});
