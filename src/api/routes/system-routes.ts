import type { FastifyInstance } from 'fastify';
import type { ApiBackend } from '../api-backend.ts';
import type { TicketBook } from '../tickets.ts';

export function systemRoutes(app: FastifyInstance, backend: ApiBackend, tickets: TicketBook): void {
  app.get(
    '/healthz',
    { schema: { security: [], summary: 'Liveness and health (public)' } },
    async (_request, reply) => {
      const health = await backend.health();
      return reply.code(health.ok ? 200 : 503).send(health);
    },
  );

  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const { contentType, body } = await backend.metrics();
    return reply.type(contentType).send(body);
  });

  app.get('/api/engine', { schema: { summary: 'The engine the daemon manages' } }, async () =>
    backend.engineInfo(),
  );

  app.post(
    '/api/tickets',
    { schema: { summary: 'A one-use, 60-second ticket for an event stream opened by a browser' } },
    () => Promise.resolve(tickets.issue()),
  );
}
