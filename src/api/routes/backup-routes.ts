import type { FastifyInstance } from 'fastify';
import type { ApiBackend } from '../api-backend.ts';
import { errors, idParams, jobSchema, volumeName } from './schemas.ts';

interface IdParams {
  id: number;
}

export function backupRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.get<{ Querystring: { volume?: string } }>(
    '/api/backups',
    {
      schema: {
        summary: 'Backups in the catalog, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { volume: volumeName } },
      },
    },
    (request) => Promise.resolve(backend.listBackups(request.query.volume)),
  );

  app.post<{ Params: IdParams; Body: { restoreTest?: boolean } }>(
    '/api/backups/:id/verify',
    {
      schema: {
        summary: 'Start a verify job (every checksum; optionally a restore test)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { restoreTest: { type: 'boolean' } },
        },
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(backend.startVerify(request.params.id, request.body ?? {})),
  );

  app.post<{ Params: IdParams; Body: { volume?: string; force?: boolean; stop?: boolean; path?: string } }>(
    '/api/backups/:id/restore',
    {
      schema: {
        summary: 'Start a restore job into a new or empty volume (force: replace, after a safety backup)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            volume: volumeName,
            force: { type: 'boolean' },
            stop: { type: 'boolean' },
            path: { type: 'string', maxLength: 4096 },
          },
        },
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const job = backend.startRestore(request.params.id, request.body ?? {});
      backend.audit({
        action: 'restore',
        subject: `backup #${request.params.id} -> ${request.body?.volume ?? '(archived name)'}`,
        outcome: `job ${job.id}`,
      });
      return reply.code(202).send(job);
    },
  );
}
