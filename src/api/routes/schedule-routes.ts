import type { FastifyInstance } from 'fastify';
import { checkVolumeName } from '../../core/volume-name.ts';
import type { ApiBackend } from '../api-backend.ts';
import { list, runRecordSchema, scheduleStatusSchema } from './response-schemas.ts';
import { errors, jobSchema, volumeName } from './schemas.ts';

const scheduleName = { type: 'string', minLength: 1, maxLength: 300 } as const;

export function scheduleRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.get(
    '/api/schedules',
    {
      schema: {
        summary: 'Schedules (config and volume labels) with their next fire and last run',
        response: { 200: list(scheduleStatusSchema, 'every schedule'), ...errors },
      },
    },
    (_request, reply) => reply.send(backend.listSchedules()),
  );

  app.post<{ Params: { name: string } }>(
    '/api/schedules/:name/run',
    {
      schema: {
        summary: 'Start a run of a schedule now (backup, verify, retention), as a job',
        params: { type: 'object', properties: { name: scheduleName }, required: ['name'] },
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const job = await backend.runSchedule(request.params.name);
      // Retention may remove old backups: that is destructive, so it is audited.
      backend.auditJob('run-schedule', request.params.name, job);
      return reply.code(202).send(job);
    },
  );

  app.get<{ Querystring: { schedule?: string; volume?: string; limit?: number } }>(
    '/api/runs',
    {
      schema: {
        summary: 'Recorded runs of schedules, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            schedule: scheduleName,
            volume: volumeName,
            limit: { type: 'integer', minimum: 1, maximum: 10_000 },
          },
        },
        response: { 200: list(runRecordSchema, 'newest first'), ...errors },
      },
    },
    (request, reply) => {
      if (request.query.volume !== undefined) checkVolumeName(request.query.volume);
      return reply.send(backend.listRuns({ limit: 500, ...request.query }));
    },
  );
}
