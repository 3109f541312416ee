/**
 * The dashboard's assets, as `npm run build` writes them to dist/web: read once at start and
 * served from memory. Hashed assets (`/assets/…`) are cached for a year; every other GET that a
 * browser makes for a page gets index.html, so the dashboard's own routes (`/compare`,
 * `/targets/…`) work on reload. Without built assets, pages answer 503 saying how to build them;
 * the API and /metrics work regardless.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { ServerEnv } from '../security.js';

/** Where `npm run build` puts the dashboard: dist/web at the package root (from src/ or dist/). */
export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

interface Asset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly type: string;
}

/** Every file under `dir` by its URL path (`/assets/index-1a2b.js`); empty when `dir` is missing. */
function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const body = readFileSync(path);
        assets.set(`/${relative(dir, path).split(sep).join('/')}`, {
          body: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
        });
      }
    }
  };
  try {
    walk(dir);
  } catch {
    // Not built: the pages say so.
  }
  return assets;
}

/** Paths that belong to the server, never to the dashboard. */
function serverPath(path: string): boolean {
  return (
    path.startsWith('/api/') ||
    path === '/api' ||
    path === '/metrics' ||
    path === '/healthz' ||
    path === '/login' ||
    path === '/logout'
  );
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>headroom</title></head>
<body><main><h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> in headroom's folder, then restart <code>headroom serve</code>.
The API (<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>), <a href="/metrics">/metrics</a> and
<a href="/healthz">/healthz</a> work without it.</p></main></body></html>`;

export function dashboardRoutes(assetsDir: string = DEFAULT_ASSETS_DIR): Hono<ServerEnv> {
  const assets = readAssets(assetsDir);
  const index = assets.get('/index.html');
  const routes = new Hono<ServerEnv>();
  routes.get('*', async (c, next) => {
    const path = c.req.path;
    if (serverPath(path)) {
      await next();
      return;
    }
    const asset = assets.get(path);
    if (asset && path !== '/index.html') {
      return c.body(asset.body, 200, {
        'content-type': asset.type,
        'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // A page of the dashboard (its router reads the path), but not a missing file.
    if (extname(path) !== '' && path !== '/index.html') {
      await next();
      return;
    }
    if (!index) return c.html(NOT_BUILT, 503);
    return c.body(index.body, 200, { 'content-type': index.type, 'cache-control': 'no-cache' });
  });
  return routes;
}
