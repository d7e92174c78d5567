/** JSON schemas shared by routes: fastify validates requests with them and OpenAPI documents them. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        message: { type: 'string' },
        hint: { type: ['string', 'null'] },
      },
      required: ['kind', 'message', 'hint'],
    },
  },
  required: ['error'],
} as const;

export const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    subject: { type: 'string' },
    state: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    progress: { type: ['object', 'null'], additionalProperties: true },
    result: {},
    error: { type: ['object', 'null'], additionalProperties: true },
  },
  required: ['id', 'kind', 'subject', 'state', 'startedAt'],
} as const;

export const volumeName = { type: 'string', minLength: 1, maxLength: 255 } as const;
export const nameParams = { type: 'object', properties: { name: volumeName }, required: ['name'] } as const;
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
} as const;
export const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema } as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** One volume as `stowage ls --json` prints it; with it fastify serialises lists with a compiled writer. */
export const volumeSchema = {
  type: 'object',
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
