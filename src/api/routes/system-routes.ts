import type { FastifyInstance } from 'fastify';
import type { ApiBackend } from '../api-backend.ts';
import type { TicketBook } from '../tickets.ts';
import { engineInfoSchema, healthSchema, textBody, ticketSchema } from './response-schemas.ts';
import { errors } from './schemas.ts';

export function systemRoutes(app: FastifyInstance, backend: ApiBackend, tickets: TicketBook): void {
  app.get(
    '/healthz',
    {
      schema: {
        security: [],
        summary: 'Liveness and health (public)',
        response: {
          200: { ...healthSchema, description: 'healthy' },
          503: { ...healthSchema, description: 'not healthy: `problems` says why' },
          421: errors[421],
          500: errors[500],
        },
      },
    },
    async (_request, reply) => {
      const health = await backend.health();
      return reply.code(health.ok ? 200 : 503).send(health);
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        response: { 200: textBody('text/plain', 'Prometheus text exposition format 0.0.4'), ...errors },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await backend.metrics();
      return reply.type(contentType).send(body);
    },
  );

  app.get(
    '/api/engine',
    {
      schema: {
        summary: 'The engine the daemon manages',
        response: { 200: engineInfoSchema, ...errors },
      },
    },
    async () => backend.engineInfo(),
  );

  app.post(
    '/api/tickets',
    {
      schema: {
        summary: 'A one-use, 60-second ticket for an event stream opened by a browser',
        response: { 200: ticketSchema, ...errors },
      },
    },
    () => Promise.resolve(tickets.issue()),
  );
}
