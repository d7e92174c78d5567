/**
 * JSON schemas shared by routes: fastify validates requests with them, serialises responses with them and
 * OpenAPI documents them. Every route declares every status it can answer (test/support/openapi-contract.ts
 * checks each response the API tests receive against the published document).
 */
import { ERROR_KINDS } from '../http-errors.ts';

export const errorSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kind: { type: 'string', enum: [...ERROR_KINDS] },
        message: { type: 'string' },
        hint: { type: ['string', 'null'] },
      },
      required: ['kind', 'message', 'hint'],
    },
  },
  required: ['error'],
} as const;

const failure = (description: string) => ({ ...errorSchema, description });

/** The error statuses any route can answer, each with the one error body (src/api/http-errors.ts). */
export const errors = {
  400: failure('invalid request: a field the schema refuses, a bad volume name, filter or duration'),
  401: failure('missing or wrong API token'),
  404: failure('no such volume, backup, job, schedule or plan'),
  409: failure('conflict: the volume is busy (locked by another job or process), in use, or the name taken'),
  421: failure('the Host header names another host (DNS rebinding guard)'),
  500: failure('an operation failed, or an internal error'),
  502: failure('the engine answered with an error'),
  503: failure('the engine does not answer'),
} as const;

/** No body: the action is done. */
export const noContent = { type: 'null', description: 'done; no body' } as const;

export const jobSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'a job; follow it with GET /api/jobs/{id} or its event stream',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    subject: { type: 'string' },
    state: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    progress: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        bytes: { type: 'number' },
        entries: { type: 'number' },
        expectedBytes: { type: ['number', 'null'] },
      },
      required: ['bytes', 'entries', 'expectedBytes'],
    },
    result: {
      description: "the operation's result once succeeded (its shape depends on the kind), else null",
    },
    error: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        kind: { type: 'string' },
        message: { type: 'string' },
        hint: { type: ['string', 'null'] },
      },
      required: ['kind', 'message', 'hint'],
    },
  },
  required: ['id', 'kind', 'subject', 'state', 'startedAt', 'finishedAt', 'progress', 'result', 'error'],
} as const;

export const volumeName = { type: 'string', minLength: 1, maxLength: 255 } as const;
export const nameParams = { type: 'object', properties: { name: volumeName }, required: ['name'] } as const;
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
} as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** One volume as `stowage ls --json` prints it; with it fastify serialises lists with a compiled writer. */
export const volumeSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    driver: { type: 'string' },
    scope: { type: 'string' },
    mountpoint: { type: 'string' },
    createdAt: { type: ['string', 'null'] },
    labels: stringMap,
    options: stringMap,
    anonymous: { type: 'boolean' },
    composeProject: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['in-use', 'idle', 'dangling'] },
    protected: { type: 'boolean' },
    sizeBytes: { type: ['number', 'null'] },
    containers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          image: { type: 'string' },
          destination: { type: 'string' },
          readOnly: { type: 'boolean' },
          running: { type: 'boolean' },
        },
        required: ['id', 'name', 'image', 'destination', 'readOnly', 'running'],
      },
    },
  },
  required: [
    'name',
    'driver',
    'scope',
    'mountpoint',
    'createdAt',
    'labels',
    'options',
    'anonymous',
    'composeProject',
    'status',
    'protected',
    'sizeBytes',
    'containers',
  ],
} as const;
