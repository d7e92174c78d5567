/**
 * Response schemas of the routes whose documents come from the services (catalog records, engine info,
 * mounts, schedules). They name every field a client can rely on; records that other parts of Stowage may
 * extend (a catalog record gaining a column) keep `additionalProperties: true`, so a new field is served
 * (fastify serialises with these schemas and would drop an undeclared one) rather than lost.
 */
import { volumeSchema } from './schemas.ts';

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const record = (description: string, properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  additionalProperties: true,
  description,
  properties,
  required,
});

/** `stowage inspect --json`: the listing's fields plus the driver's status and who made an anonymous volume. */
export const volumeDetailsSchema = {
  ...volumeSchema,
  description: 'everything about one volume',
  properties: {
    ...volumeSchema.properties,
    driverStatus: { type: ['object', 'null'], additionalProperties: true },
    createdBy: {
      description: "for an anonymous volume: the container that created it, 'unknown', or null",
      anyOf: [{ type: 'null' }, { type: 'string' }, { type: 'object', additionalProperties: true }],
    },
  },
  required: [...volumeSchema.required, 'driverStatus', 'createdBy'],
} as const;

export const backupRecordSchema = record(
  'a backup in the catalog',
  {
    id: { type: 'integer' },
    engineId: text,
    volume: text,
    target: text,
    archiveKey: text,
    manifestKey: nullableText,
    fileListKey: nullableText,
    compression: text,
    startedAt: nullableText,
    finishedAt: text,
    files: nullableNumber,
    bytes: nullableNumber,
    archiveBytes: { type: 'number' },
    archiveSha256: nullableText,
    verifiedAt: nullableText,
    verifyStatus: { type: ['string', 'null'], enum: ['ok', 'failed', null] },
    verifyError: nullableText,
  },
  ['id', 'volume', 'target', 'archiveKey', 'finishedAt', 'archiveBytes', 'verifyStatus'],
);

export const runRecordSchema = record(
  'a recorded run of a schedule',
  {
    id: { type: 'integer' },
    schedule: text,
    volume: nullableText,
    engineId: nullableText,
    trigger: text,
    owner: nullableText,
    startedAt: text,
    finishedAt: nullableText,
    bytes: nullableNumber,
    result: nullableText,
    error: nullableText,
    backupId: { type: ['integer', 'null'] },
    removed: { type: ['integer', 'null'] },
  },
  ['id', 'schedule', 'volume', 'trigger', 'startedAt', 'finishedAt', 'result', 'error'],
);

export const scheduleStatusSchema = record(
  'a schedule with its next fire and last run',
  {
    name: text,
    source: text,
    cron: text,
    volumes: { type: 'array', items: text },
    label: nullableText,
    project: nullableText,
    keep: nullableText,
    jitterMs: { type: 'number' },
    verify: { type: 'boolean' },
    stop: { type: 'boolean' },
    target: nullableText,
    nextFire: nullableText,
    lastFire: nullableText,
    lastSuccess: nullableText,
    lastRun: { type: ['object', 'null'], additionalProperties: true },
    late: nullableText,
  },
  ['name', 'source', 'cron', 'nextFire', 'lastRun', 'late'],
);

export const mountRowSchema = record(
  'one mount of a container (`stowage mounts --json`)',
  {
    container: text,
    containerId: text,
    running: { type: 'boolean' },
    type: text,
    source: text,
    destination: text,
    readOnly: { type: 'boolean' },
    mode: text,
    propagation: text,
    tmpfsSize: { type: 'number' },
    tmpfsOptions: text,
  },
  ['container', 'containerId', 'running', 'type', 'source', 'destination', 'readOnly'],
);

export const sharedVolumeSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'a volume several containers mount, and which of them can write',
  properties: {
    volume: text,
    containers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: text,
          readOnly: { type: 'boolean' },
          running: { type: 'boolean' },
          destination: text,
        },
        required: ['name', 'readOnly', 'running', 'destination'],
      },
    },
    writers: { type: 'array', items: text },
  },
  required: ['volume', 'containers', 'writers'],
} as const;

export const activitySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: text,
    lastUsedAt: nullableText,
    certainty: { type: ['string', 'null'], enum: ['known', 'unknown', null] },
    backups: { type: 'integer' },
    lastBackupAt: nullableText,
    lastBackupId: { type: ['integer', 'null'] },
    lastBackupVerify: { type: ['string', 'null'], enum: ['ok', 'failed', null] },
  },
  required: [
    'name',
    'lastUsedAt',
    'certainty',
    'backups',
    'lastBackupAt',
    'lastBackupId',
    'lastBackupVerify',
  ],
} as const;

export const engineInfoSchema = record(
  'the engine the daemon manages',
  {
    id: text,
    name: text,
    serverVersion: text,
    apiVersion: text,
    os: text,
    dockerRootDir: text,
  },
  ['id', 'name', 'serverVersion', 'apiVersion'],
);

export const healthSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, problems: { type: 'array', items: text } },
  required: ['ok', 'problems'],
} as const;

export const ticketSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'a one-use ticket for an event stream, valid 60 seconds',
  properties: { ticket: text, expiresAt: text },
  required: ['ticket', 'expiresAt'],
} as const;

export const list = <T extends object>(items: T, description: string) =>
  ({ type: 'array', items, description }) as const;

/** A non-JSON body, documented by its media type. */
export const textBody = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string' } } },
});
