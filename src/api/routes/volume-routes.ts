import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.ts';
import { checkVolumeName } from '../../core/volume-name.ts';
import type { VolumeQueryInput } from '../../inventory/volume-query.ts';
import type { ApiBackend } from '../api-backend.ts';
import {
  activitySchema,
  list,
  mountRowSchema,
  sharedVolumeSchema,
  volumeDetailsSchema,
} from './response-schemas.ts';
import { errors, jobSchema, nameParams, noContent, volumeName, volumeSchema } from './schemas.ts';

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
    {
      schema: {
        summary: 'Everything about one volume',
        params: nameParams,
        response: { 200: volumeDetailsSchema, ...errors },
      },
    },
    async (request) => backend.inspectVolume(checkVolumeName(request.params.name)),
  );

  // Not under /api/volumes/: a volume may be named `activity`.
  app.get(
    '/api/activity',
    {
      schema: {
        summary: 'Last use (from the history) and last backup of every volume',
        response: { 200: list(activitySchema, 'one entry per volume'), ...errors },
      },
    },
    async () => backend.volumeActivity(),
  );

  app.get(
    '/api/mounts',
    {
      schema: {
        summary: "Every container's mounts",
        response: { 200: list(mountRowSchema, 'one entry per mount'), ...errors },
      },
    },
    async () => backend.listMounts(),
  );
  app.get(
    '/api/mounts/shared',
    {
      schema: {
        summary: 'Volumes mounted by several containers, and their writers',
        response: { 200: list(sharedVolumeSchema, 'one entry per shared volume'), ...errors },
      },
    },
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
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      await backend.protect(checkVolumeName(request.params.name), request.body?.reason);
      backend.audit({ action: 'protect', subject: request.params.name, outcome: 'ok' });
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: NameParams }>(
    '/api/volumes/:name/protection',
    {
      schema: {
        summary: 'Remove a protection mark',
        params: nameParams,
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const name = checkVolumeName(request.params.name);
      const removed = await backend.unprotect(name);
      backend.audit({ action: 'unprotect', subject: name, outcome: removed ? 'ok' : 'no mark' });
      if (!removed)
        throw notFound(
          `volume ${name} has no protection mark`,
          `PUT /api/volumes/${name}/protection adds one`,
        );
      return reply.code(204).send();
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
      const job = await backend.startBackup(checkVolumeName(request.params.name), request.body ?? {});
      backend.auditJob('backup', request.params.name, job);
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
      const job = await backend.startClone(
        checkVolumeName(request.params.name),
        checkVolumeName(request.body.destination, 'destination volume'),
      );
      backend.auditJob('clone', `${request.params.name} -> ${request.body.destination}`, job);
      return reply.code(202).send(job);
    },
  );
}
