/**
 * The dashboard's built files (vite → dist/web), public like any web page: the data behind them comes from
 * /api/*, which needs the token. Unknown paths outside /api/ answer index.html so that the client's routes
 * (`/volumes/NAME`) survive a reload; unknown /api/ paths keep the API's error body.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { embeddedDashboardFolder } from './embedded-dashboard.ts';
import { errorBody } from './http-errors.ts';

/**
 * Only our own origin: the page must work without internet and must not be able to leak the token.
 * ECharts and preact set inline style attributes, hence 'unsafe-inline' for styles only.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stowage</title></head>
<body><main><h1>The Stowage dashboard is not built</h1>
<p>This daemon found no dashboard files. In the Stowage checkout, run <code>npm run build</code>
(it writes <code>dist/web</code>), then reload this page. The HTTP API under <code>/api/</code> works without it.</p>
</main></body></html>`;

/**
 * Where the built dashboard is, or undefined when it was not built. The same code runs from the sources
 * (src/api/), from tsc's output (dist/api/) and from the CLI bundle (dist/bundle/, where build.ts defines
 * `import.meta.dirname` as the bundle's `__dirname`), and the single executable carries it inside.
 */
export function dashboardFolder(here: string = import.meta.dirname): string | undefined {
  return (
    embeddedDashboardFolder() ??
    [join(here, '..', 'web'), join(here, '..', '..', 'dist', 'web')].find((dir) =>
      existsSync(join(dir, 'index.html')),
    )
  );
}

const isApi = (url: string) => url.startsWith('/api/') || url === '/api' || url.startsWith('/metrics');

/** Serves the dashboard from `folder` at `/`, or a page saying to run `npm run build` when it is undefined. */
export async function dashboardAssets(app: FastifyInstance, folder: string | undefined): Promise<void> {
  const page = (reply: FastifyReply) =>
    folder
      ? reply
          .header('cache-control', 'no-cache')
          .header('content-security-policy', CSP)
          .sendFile('index.html')
      : reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);

  if (folder) {
    await app.register(fastifyStatic, {
      root: folder,
      prefix: '/',
      index: false,
      // Our own cache headers below, not send's default `max-age=0`.
      cacheControl: false,
      setHeaders: (res, path) => {
        // Vite names bundles by content hash, so they never change; the HTML must always be fresh.
        if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => page(reply));
  app.setNotFoundHandler((request, reply) => {
    if (isApi(request.url) || request.method !== 'GET')
      return reply
        .code(404)
        .send(
          errorBody(
            'not-found',
            `${request.method} ${request.url.split('?')[0]} is not a route`,
            'see GET /api/openapi.json',
          ),
        );
    return page(reply);
  });
}
