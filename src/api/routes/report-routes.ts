/** Read-only reports, the same documents as the CLI's `cost`, `doctor` and `history VOL` with `--json`. */
import type { FastifyInstance } from 'fastify';
import type { DoctorPolicyInput } from '../../doctor/doctor-policy.ts';
import type { ApiBackend } from '../api-backend.ts';
import { checkVolumeName } from '../../core/volume-name.ts';
import { errors, nameParams } from './schemas.ts';

/** The documents are large and their shapes are the CLI's: described, passed through unfiltered. */
const document = (description: string) => ({ type: 'object', additionalProperties: true, description });

export function reportRoutes(app: FastifyInstance, backend: ApiBackend): void {
  app.get<{ Querystring: { pricePerGbMonth: number; filter?: string[] } }>(
    '/api/cost',
    {
      schema: {
        summary: 'Estimated monthly cost of orphaned, dangling and idle volumes (`stowage cost`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            pricePerGbMonth: { type: 'number', minimum: 0, default: 0.1 },
            filter: { type: 'array', items: { type: 'string', pattern: '^(label|driver|name)=' } },
          },
        },
        response: { 200: document('per volume, per category and in total'), ...errors },
      },
    },
    async (request) => backend.cost(request.query),
  );

  app.get<{ Querystring: DoctorPolicyInput }>(
    '/api/doctor',
    {
      schema: {
        summary: 'Audit the engine: findings with severity and fix (`stowage doctor --json`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            staleAfter: { type: 'string', maxLength: 32, description: 'e.g. 7d' },
            diskWarn: { type: 'string', maxLength: 8, description: 'percent, e.g. 85' },
            diskCritical: { type: 'string', maxLength: 8, description: 'percent, e.g. 95' },
          },
        },
        response: { 200: document('findings, most severe first, and a summary'), ...errors },
      },
    },
    async (request) => backend.doctor(request.query),
  );

  app.get<{ Params: { name: string } }>(
    '/api/volumes/:name/history',
    {
      schema: {
        summary: "A volume's recorded history (`stowage history VOL --json`)",
        params: nameParams,
        response: { 200: document('creation, mounts, last use, gaps'), ...errors },
      },
    },
    async (request) => backend.volumeHistory(checkVolumeName(request.params.name)),
  );
}
