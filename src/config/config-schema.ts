/**
 * The config file's schema (`<data-dir>/config.yaml`), documented in docs/CONFIG.md. Every key is
 * optional; unknown keys are errors, so a typo never silently does nothing.
 */
import { z } from 'zod';
import { DEFAULT_CONFIG, type StowageConfig } from './config-types.ts';

const engineSchema = z
  .strictObject({
    host: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  })
  .refine((engine) => !(engine.host && engine.context), { message: 'set either host or context, not both' });

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
});

// The schema must produce exactly the documented type.
export type ParsedConfig = z.infer<typeof configSchema>;
const _sameShape: (parsed: ParsedConfig) => StowageConfig = (parsed) => parsed;
void _sameShape;
