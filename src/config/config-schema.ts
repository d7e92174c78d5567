/**
 * The config file's shape (`<data-dir>/config.yaml`), documented in docs/CONFIG.md. Every key is optional;
 * unknown keys are errors, so a typo never silently does nothing.
 */
import { z } from 'zod';

const engineSchema = z
  .strictObject({
    host: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  })
  .refine((engine) => !(engine.host && engine.context), { message: 'set either host or context, not both' });

const inventorySchema = z.strictObject({
  /** How many mountpoints Stowage measures at once when it walks them itself. */
  sizeConcurrency: z.int().min(1).max(64).default(8),
});

const pruneSchema = z.strictObject({
  /** Volumes carrying any of these labels are never pruned, like `stowage.protect=true`. */
  protectLabels: z.array(z.string().min(1)).default([]),
});

export const configSchema = z.strictObject({
  engine: engineSchema.optional(),
  inventory: inventorySchema.default({ sizeConcurrency: 8 }),
  prune: pruneSchema.default({ protectLabels: [] }),
});

export type StowageConfig = z.infer<typeof configSchema>;
