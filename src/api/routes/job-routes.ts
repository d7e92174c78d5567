import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.ts';
import type { Job } from '../../jobs/job-registry.ts';
import type { ApiBackend } from '../api-backend.ts';
import { list, textBody } from './response-schemas.ts';
import { errors, jobSchema } from './schemas.ts';

interface IdParams {
  id: string;
}

// Any text: an ID that is no job's (malformed or not) is a 404, as for every other unknown resource.
const params = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id'],
} as const;

export function jobRoutes(app: FastifyInstance, backend: ApiBackend): void {
  const find = (id: string): Job => {
    const job = backend.jobs.get(id);
    if (!job)
      throw notFound(`job ${id} does not exist`, 'jobs are kept in memory: a daemon restart forgets them');
    return job;
  };

  app.get(
    '/api/jobs',
    {
      schema: {
        summary: 'Recent and running jobs, newest first',
        response: { 200: list(jobSchema, 'newest first'), ...errors },
      },
    },
    () => Promise.resolve(backend.jobs.list()),
  );

  app.get<{ Params: IdParams }>(
    '/api/jobs/:id',
    { schema: { summary: 'One job', params, response: { 200: jobSchema, ...errors } } },
    (request) => Promise.resolve(find(request.params.id)),
  );

  // Server-sent events: `progress` while the job runs, then one `done`. Authenticated by the bearer token,
  // or by `?ticket=` from POST /api/tickets for a browser's EventSource.
  app.get<{ Params: IdParams; Querystring: { ticket?: string } }>(
    '/api/jobs/:id/events',
    {
      schema: {
        summary: 'Live progress of a job (text/event-stream)',
        params,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ticket: { type: 'string', maxLength: 100 } },
        },
        response: {
          200: textBody(
            'text/event-stream',
            'events `progress` while the job runs, then one `done`; each `data:` is the job as JSON',
          ),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const job = find(request.params.id);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      const send = (type: string, data: Job) =>
        out.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      if (job.state !== 'running') {
        send('done', job);
        out.end();
        return;
      }
      send('progress', job);
      const stop = backend.jobs.follow(job.id, (event) => {
        send(event.type, event.job);
        if (event.type === 'done') {
          stop();
          out.end();
        }
      });
      request.raw.on('close', stop);
    },
  );
}
