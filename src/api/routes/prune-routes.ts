/**
 * Prune by plan ID: a plan is computed and kept for a short while; applying it recomputes the plan and
 * removes only volumes that are in both, so nothing that became used or protected meanwhile is removed.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiBackend, PruneRequest } from '../api-backend.ts';
import { errors } from './schemas.ts';

interface IdParams {
  id: string;
}

const params = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
  required: ['id'],
} as const;

const nullableSize = { type: ['integer', 'null'] } as const;

const planSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    request: { type: 'object', additionalProperties: true },
    remove: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { name: { type: 'string' }, anonymous: { type: 'boolean' }, sizeBytes: nullableSize },
      },
    },
    skipped: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, reason: { type: 'string' }, detail: { type: 'string' } },
      },
    },
    reclaimableBytes: { type: 'integer' },
    unknownSizes: { type: 'integer' },
  },
  required: ['id', 'expiresAt', 'remove', 'skipped', 'reclaimableBytes'],
} as const;

const applySchema = {
  type: 'object',
  properties: {
    planId: { type: 'string' },
    removed: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, sizeBytes: nullableSize } },
    },
    notRemoved: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' } } },
    },
    reclaimedBytes: { type: 'integer' },
  },
  required: ['planId', 'removed', 'notRemoved', 'reclaimedBytes'],
} as const;

/** Docker filters on the volume's own properties only; none of them names a host path. */
const pruneBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    all: { type: 'boolean' },
    filter: { type: 'array', items: { type: 'string', pattern: '^(label|driver|name)=', maxLength: 1024 } },
    olderThan: { type: 'string', maxLength: 32 },
    unusedFor: { type: 'string', maxLength: 32 },
  },
} as const;

export function pruneRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.post<{ Body: PruneRequest }>(
    '/api/prune/plans',
    {
      schema: {
        summary: 'Compute a prune plan (as `stowage prune` without --yes) and keep it for 10 minutes',
        body: pruneBody,
        response: { 201: planSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await backend.createPrunePlan(request.body ?? {})),
  );

  app.get<{ Params: IdParams }>(
    '/api/prune/plans/:id',
    { schema: { summary: 'A stored prune plan', params, response: { 200: planSchema, ...errors } } },
    (request) => Promise.resolve(backend.prunePlan(request.params.id)),
  );

  app.post<{ Params: IdParams }>(
    '/api/prune/plans/:id/apply',
    {
      schema: {
        summary: 'Remove the volumes of a plan that are still prunable now (the plan is spent)',
        params,
        response: { 200: applySchema, ...errors },
      },
    },
    async (request) => {
      const subject = `plan ${request.params.id}`;
      const result = await backend.applyPrunePlan(request.params.id).catch((error: Error) => {
        backend.audit({ action: 'prune', subject, outcome: `error: ${error.message}` });
        throw error;
      });
      const removed = result.removed.map((r) => r.name).join(', ') || 'none';
      const kept = result.notRemoved.map((n) => `${n.name} (${n.reason})`).join(', ') || 'none';
      backend.audit({ action: 'prune', subject, outcome: `removed: ${removed}; not removed: ${kept}` });
      return result;
    },
  );
}
