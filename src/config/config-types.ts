/** The config's shape and defaults, free of the parser so that start-up without a config file stays light. */
export interface StowageConfig {
  engine?: { host?: string | undefined; context?: string | undefined } | undefined;
  inventory: {
    /** How many mountpoints Stowage measures at once when it walks them itself. */
    sizeConcurrency: number;
  };
  backup: {
    /** Folder archives go to when `--to` is not given; default `<data-dir>/backups`. */
    target: string | undefined;
    compression: 'zstd' | 'gzip';
    /** Volumes backed up at once by `backup --all` / `--label`. */
    concurrency: number;
  };
  prune: {
    /** Volumes carrying any of these labels (`KEY` or `KEY=VALUE`) are never pruned. */
    protectLabels: string[];
  };
}

export const DEFAULT_CONFIG: StowageConfig = Object.freeze<StowageConfig>({
  inventory: { sizeConcurrency: 8 },
  backup: { target: undefined, compression: 'zstd', concurrency: 2 },
  prune: { protectLabels: [] },
});
