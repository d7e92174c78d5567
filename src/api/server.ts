/**
 * The HTTP API (fastify): routes validated by JSON schemas, documented as OpenAPI at /api/openapi.json,
 * bearer-token protected except /healthz and the dashboard's static files. Errors map to statuses in
 * http-errors.ts only.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import { isStowageError } from '../core/errors.ts';
import { VERSION } from '../core/version.ts';
import type { ApiBackend } from './api-backend.ts';
import { tokensMatch } from './api-token.ts';
import { dashboardAssets, dashboardFolder } from './dashboard-assets.ts';
import { hostAllowed } from './host-check.ts';
import { errorBody, statusFor } from './http-errors.ts';
import { backupRoutes } from './routes/backup-routes.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { pruneRoutes } from './routes/prune-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { scheduleRoutes } from './routes/schedule-routes.ts';
import { systemRoutes } from './routes/system-routes.ts';
import { volumeRoutes } from './routes/volume-routes.ts';
import { TicketBook } from './tickets.ts';

export interface ServerOptions {
  /** The current token; called per request so that a rotated token applies at once. */
  token: () => string;
  logger?: boolean;
  /** The built dashboard's folder; by default dist/web as found by `dashboardFolder()`. */
  dashboard?: string;
  /** The host the daemon listens on: with the loopback names, what the Host header may say (host-check.ts). */
  listenHost: string;
  /**
   * More names the Host header may say, asked per request (so a config reload would apply). No setting feeds
   * it yet: a daemon behind a proxy is reached with `Host: 127.0.0.1` or by its listen address.
   */
  allowedHosts?: () => readonly string[];
}

const SCHEMA_HINT = 'GET /api/openapi.json describes every request and response';

/**
 * Query strings and path parameters are text, so their numbers and booleans are coerced (`?sizes=false`);
 * a JSON body is typed already, so a number given for a string field is refused rather than converted.
 * Unknown fields are refused by each schema's `additionalProperties: false`, never silently dropped.
 */
function validatorCompiler() {
  const loose = AjvCompiler()({}, { customOptions: { removeAdditional: false, coerceTypes: 'array' } });
  const strict = AjvCompiler()({}, { customOptions: { removeAdditional: false, coerceTypes: false } });
  return (route: Parameters<typeof loose>[0]) => (route.httpPart === 'body' ? strict : loose)(route);
}

const needsToken = (url: string) =>
  url.startsWith('/api/') || url === '/metrics' || url.startsWith('/metrics?');

export async function buildServer(backend: ApiBackend, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  app.setValidatorCompiler(validatorCompiler());
  const tickets = new TicketBook();
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Stowage API',
        version: VERSION,
        description:
          'Docker volumes: inventory, backups, restores, jobs, prune plans, cost, doctor, history.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // First: a request for another name is refused before anything (even a token check) answers it.
  app.addHook('onRequest', async (request, reply) => {
    if (hostAllowed(request.headers.host, options.listenHost, options.allowedHosts?.())) return;
    await reply
      .code(421)
      .send(
        errorBody(
          'misdirected',
          `this daemon does not answer for host ${JSON.stringify(request.headers.host)}`,
          'call it by a loopback name (127.0.0.1, localhost, [::1]) or by its listen address',
        ),
      );
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!needsToken(request.url)) return;
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (given && tokensMatch(options.token(), given)) return;
    // An event stream a browser opened with a ticket instead of a header.
    const ticket = (request.query as { ticket?: unknown }).ticket;
    if (request.url.includes('/events') && typeof ticket === 'string' && tickets.redeem(ticket)) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="stowage"')
      .send(
        errorBody(
          'unauthorized',
          given ? 'wrong API token' : 'missing API token',
          'send `Authorization: Bearer TOKEN`; `stowage token` prints it',
        ),
      );
  });

  app.setErrorHandler(
    async (error: Error & { validation?: unknown; statusCode?: number }, _request, reply) => {
      if (isStowageError(error))
        return reply.code(statusFor(error.kind)).send(errorBody(error.kind, error.message, error.hint));
      if (error.validation) return reply.code(400).send(errorBody('invalid', error.message, SCHEMA_HINT));
      // fastify's own refusals (malformed JSON, wrong content type, body too large) are the client's mistake.
      const status = error.statusCode;
      if (status && status < 500)
        return reply.code(400).send(errorBody('invalid', error.message, SCHEMA_HINT));
      app.log.error(error);
      return reply.code(500).send(errorBody('internal', 'internal error', 'see the daemon log'));
    },
  );

  systemRoutes(app, backend, tickets);
  volumeRoutes(app, backend);
  backupRoutes(app, backend);
  jobRoutes(app, backend);
  scheduleRoutes(app, backend);
  pruneRoutes(app, backend);
  reportRoutes(app, backend);
  app.get('/api/openapi.json', { schema: { hide: true } }, () => Promise.resolve(app.swagger()));
  await dashboardAssets(app, options.dashboard ?? dashboardFolder());
  return app;
}
