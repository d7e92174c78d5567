import type { FastifyInstance } from 'fastify';
import { checkVolumeName } from '../../core/volume-name.ts';
import type { ApiBackend } from '../api-backend.ts';
import { backupRecordSchema, list } from './response-schemas.ts';
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
        response: { 200: list(backupRecordSchema, 'newest first'), ...errors },
      },
    },
    (request) => {
      const { volume } = request.query;
      return Promise.resolve(backend.listBackups(volume === undefined ? undefined : checkVolumeName(volume)));
    },
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
      reply.code(202).send(await backend.startVerify(request.params.id, request.body ?? {})),
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
      const body = request.body ?? {};
      if (body.volume !== undefined) checkVolumeName(body.volume, 'target volume');
      const job = await backend.startRestore(request.params.id, body);
      backend.auditJob('restore', `backup #${request.params.id} -> ${body.volume ?? '(archived name)'}`, job);
      return reply.code(202).send(job);
    },
  );
}
