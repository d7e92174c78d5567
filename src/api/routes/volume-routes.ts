import type { FastifyInstance } from 'fastify';
import type { VolumeQueryInput } from '../../inventory/volume-query.ts';
import type { ApiBackend } from '../api-backend.ts';
import { errors, jobSchema, nameParams, volumeName, volumeSchema } from './schemas.ts';

interface NameParams {
  name: string;
}

export function volumeRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.get<{ Querystring: VolumeQueryInput & { sizes?: boolean } }>(
    '/api/volumes',
    {
      schema: {
        summary: 'Volumes with users, status and sizes (`sizes=false` for the fast listing)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filter: { type: 'array', items: { type: 'string' } },
            unused: { type: 'boolean' },
            anonymous: { type: 'boolean' },
            largerThan: { type: 'string' },
            olderThan: { type: 'string' },
            sort: { type: 'string', enum: ['name', 'size', 'created', 'containers', 'driver'] },
            sizes: { type: 'boolean', default: true },
          },
        },
        response: { 200: { type: 'array', items: volumeSchema }, ...errors },
      },
    },
    async (request) => backend.listVolumes(request.query),
  );

  app.get<{ Params: NameParams }>(
    '/api/volumes/:name',
    { schema: { summary: 'Everything about one volume', params: nameParams, response: { ...errors } } },
    async (request) => backend.inspectVolume(request.params.name),
  );

  // Not under /api/volumes/: a volume may be named `activity`.
  app.get(
    '/api/activity',
    { schema: { summary: 'Last use (from the history) and last backup of every volume' } },
    async () => backend.volumeActivity(),
  );

  app.get('/api/mounts', { schema: { summary: "Every container's mounts" } }, async () =>
    backend.listMounts(),
  );
  app.get(
    '/api/mounts/shared',
    { schema: { summary: 'Volumes mounted by several containers, and their writers' } },
    async () => backend.sharedVolumes(),
  );

  app.put<{ Params: NameParams; Body: { reason?: string } }>(
    '/api/volumes/:name/protection',
    {
      schema: {
        summary: 'Protect a volume from prune',
        params: nameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 500 } },
        },
        response: { ...errors },
      },
    },
    async (request, reply) => {
      await backend.protect(request.params.name, request.body?.reason);
      backend.audit({ action: 'protect', subject: request.params.name, outcome: 'ok' });
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: NameParams }>(
    '/api/volumes/:name/protection',
    { schema: { summary: 'Remove a protection mark', params: nameParams, response: { ...errors } } },
    async (request, reply) => {
      const removed = await backend.unprotect(request.params.name);
      backend.audit({
        action: 'unprotect',
        subject: request.params.name,
        outcome: removed ? 'ok' : 'no mark',
      });
      return reply.code(removed ? 204 : 404).send();
    },
  );

  app.post<{ Params: NameParams; Body: { gzip?: boolean; stop?: boolean; pause?: boolean } }>(
    '/api/volumes/:name/backups',
    {
      schema: {
        summary: 'Start a backup job to the configured target',
        params: nameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { gzip: { type: 'boolean' }, stop: { type: 'boolean' }, pause: { type: 'boolean' } },
        },
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const job = backend.startBackup(request.params.name, request.body ?? {});
      backend.audit({ action: 'backup', subject: request.params.name, outcome: `job ${job.id}` });
      return reply.code(202).send(job);
    },
  );

  app.post<{ Params: NameParams; Body: { destination: string } }>(
    '/api/volumes/:name/clone',
    {
      schema: {
        summary: 'Start a clone job into a new volume',
        params: nameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { destination: volumeName },
          required: ['destination'],
        },
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const job = backend.startClone(request.params.name, request.body.destination);
      backend.audit({
        action: 'clone',
        subject: `${request.params.name} -> ${request.body.destination}`,
        outcome: `job ${job.id}`,
      });
      return reply.code(202).send(job);
    },
  );
}
