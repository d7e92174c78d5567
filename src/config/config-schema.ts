/**
 * The config file's schema (`<data-dir>/config.yaml`), documented in docs/CONFIG.md. Every key is
 * optional; unknown keys are errors, so a typo never silently does nothing.
 */
import { z } from 'zod';
import { formatRetentionPolicy, parseRetentionPolicy } from '../policy/retention-policy.ts';
import { isStowageError } from '../core/errors.ts';
import { parseDuration } from '../core/units.ts';
import {
  DEFAULT_CONFIG,
  type NotificationConfig,
  type ScheduleConfig,
  type StowageConfig,
} from './config-types.ts';
import { cronProblem } from '../policy/cron-expression.ts';
import { notificationUrlProblem } from '../notify/registry.ts';

const engineSchema = z
  .strictObject({
    host: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  })
  .refine((engine) => !(engine.host && engine.context), { message: 'set either host or context, not both' });

/** A field checked by a parser that throws StowageError: its message becomes the issue. */
function parsedBy(parse: (text: string) => unknown) {
  return z.string().superRefine((text, ctx) => {
    try {
      parse(text);
    } catch (error) {
      if (!isStowageError(error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });
}

const notifyEventsSchema = z.preprocess(
  // `on: failure`, `on: always` and `on: [failure, success]` all say which events.
  (on) => (on === 'always' ? ['failure', 'success'] : typeof on === 'string' ? [on] : on),
  z
    .array(z.enum(['failure', 'success']))
    .min(1)
    .refine((events) => new Set(events).size === events.length, { message: 'an event is listed twice' }),
);

/** A notification: its URL alone, or `{url, on}`. The URL's problems name it with its secrets redacted. */
const notificationSchema = z
  .preprocess(
    (entry) => (typeof entry === 'string' ? { url: entry } : entry),
    z.strictObject({
      url: z.string().superRefine((url, ctx) => {
        const problem = notificationUrlProblem(url.trim());
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
      on: notifyEventsSchema.optional(),
    }),
  )
  .transform((entry): NotificationConfig => ({ url: entry.url.trim(), on: entry.on }));

const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const scheduleSchema = z
  .strictObject({
    name: z.string().regex(SCHEDULE_NAME, {
      message: 'a schedule name is letters, digits, ".", "_" and "-", starting with a letter or digit',
    }),
    cron: z.string().superRefine((expression, ctx) => {
      const problem = cronProblem(expression.trim());
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    volumes: z.array(z.string().min(1)).min(1).optional(),
    label: z
      .string()
      .regex(/^[^=\s][^=]*(=.*)?$/, { message: 'expected KEY or KEY=VALUE' })
      .optional(),
    project: z.string().min(1).optional(),
    keep: parsedBy(parseRetentionPolicy).optional(),
    jitter: parsedBy((text) => parseDuration(text, 'jitter')).optional(),
    verify: z.boolean().default(true),
    stop: z.boolean().default(false),
    target: z.string().min(1).optional(),
    notify: z.array(notificationSchema).optional(),
  })
  .superRefine(
    (schedule, ctx) => {
      // Runs even when a field is wrong, so that these problems are listed with the others.
      const given = schedule as Partial<Record<keyof typeof schedule, unknown>>;
      if (given.volumes === undefined && given.label === undefined && given.project === undefined)
        ctx.addIssue({ code: 'custom', message: 'selects no volume: set volumes, label or project' });
      if (given.keep !== undefined && given.verify === false)
        ctx.addIssue({
          code: 'custom',
          path: ['keep'],
          message: 'keep needs verify: retention only ever runs after a verified backup',
        });
    },
    { when: () => true },
  )
  .transform((schedule): ScheduleConfig => ({
    name: schedule.name,
    cron: schedule.cron.trim(),
    volumes: schedule.volumes ?? [],
    label: schedule.label,
    project: schedule.project,
    keep:
      schedule.keep === undefined ? undefined : formatRetentionPolicy(parseRetentionPolicy(schedule.keep)),
    jitterMs: schedule.jitter === undefined ? 0 : parseDuration(schedule.jitter, 'jitter'),
    verify: schedule.verify,
    stop: schedule.stop,
    target: schedule.target,
    ...(schedule.notify === undefined ? {} : { notify: schedule.notify }),
  }));

const schedulesSchema = z.array(scheduleSchema).superRefine(
  (schedules, ctx) => {
    const seen = new Set<unknown>();
    schedules.forEach((schedule, index) => {
      const name = (schedule as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      if (seen.has(name))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `another schedule is named "${name}"`,
        });
      seen.add(name);
    });
  },
  { when: () => true },
);

export const configSchema = z.strictObject({
  engine: engineSchema.optional(),
  inventory: z
    .strictObject({
      sizeConcurrency: z.int().min(1).max(64).default(DEFAULT_CONFIG.inventory.sizeConcurrency),
    })
    .default(DEFAULT_CONFIG.inventory),
  backup: z
    .strictObject({
      target: z.string().min(1).optional(),
      compression: z.enum(['zstd', 'gzip']).default('zstd'),
      concurrency: z.int().min(1).max(16).default(DEFAULT_CONFIG.backup.concurrency),
    })
    .default({ compression: 'zstd', concurrency: DEFAULT_CONFIG.backup.concurrency })
    .transform((backup) => ({ ...backup, target: backup.target })),
  prune: z
    .strictObject({ protectLabels: z.array(z.string().min(1)).default([]) })
    .default({ protectLabels: [] }),
  cost: z
    .strictObject({ pricePerGbMonth: z.number().nonnegative().default(DEFAULT_CONFIG.cost.pricePerGbMonth) })
    .default({ pricePerGbMonth: DEFAULT_CONFIG.cost.pricePerGbMonth }),
  schedules: schedulesSchema.default([]),
  notify: z
    .strictObject({
      webhook: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }).optional(),
      on: notifyEventsSchema.default(['failure']),
      urls: z.array(notificationSchema).default([]),
    })
    .default({ on: ['failure'], urls: [] })
    .transform((notify) => ({ webhook: notify.webhook, on: notify.on, urls: notify.urls })),
  scheduler: z
    .strictObject({ concurrency: z.int().min(1).max(16).default(DEFAULT_CONFIG.scheduler.concurrency) })
    .default({ concurrency: DEFAULT_CONFIG.scheduler.concurrency }),
  api: z
    .strictObject({
      allowedHosts: z
        .array(
          z
            .string()
            .regex(
              /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/,
              {
                message: 'expected a host name or IPv4 address without port, e.g. stowage.example.com',
              },
            ),
        )
        .default([]),
    })
    .default({ allowedHosts: [] }),
});

// The schema must produce exactly the documented type.
export type ParsedConfig = z.infer<typeof configSchema>;
const _sameShape: (parsed: ParsedConfig) => StowageConfig = (parsed) => parsed;
void _sameShape;
