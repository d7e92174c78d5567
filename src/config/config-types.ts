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
  cost: {
    /** Storage price used by the daemon's cost metrics (`stowage cost` takes it as a flag). */
    pricePerGbMonth: number;
  };
  /** Backups the daemon runs on cron schedules (docs/CONFIG.md). */
  schedules: ScheduleConfig[];
  notify: {
    /** POSTed a JSON report after a scheduled run, for the events in `on` (same as one `http(s)://` URL). */
    webhook: string | undefined;
    /** The events notified by a URL that does not set its own `on`. */
    on: NotifyEvent[];
    /** Where every schedule that lists none of its own notifies (docs/NOTIFICATIONS.md). */
    urls: NotificationConfig[];
  };
  scheduler: {
    /** Volumes backed up at once by all schedules together. */
    concurrency: number;
  };
  api: {
    /**
     * Host names the daemon answers besides loopback names and its listen address (a reverse proxy's name):
     * any other `Host` header gets 421, against DNS rebinding.
     */
    allowedHosts: string[];
  };
}

export type NotifyEvent = 'failure' | 'success';

/** One notification: a URL whose scheme picks the kind (e-mail, chat, push, webhook), validated. */
export interface NotificationConfig {
  /** Holds secrets (passwords, tokens): never logged, stored or shown other than through `redactUrl`. */
  url: string;
  /** Its own events; undefined takes `notify.on`. */
  on: NotifyEvent[] | undefined;
}

/** One `schedules:` entry, validated: `cron` parses, `keep` is canonical, `jitter` is in milliseconds. */
export interface ScheduleConfig {
  name: string;
  /** Croner syntax: 5 fields, or 6 with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly. */
  cron: string;
  /** Volumes selected by name; `label` and `project` add to them. */
  volumes: string[];
  /** `KEY` or `KEY=VALUE`. */
  label: string | undefined;
  /** A compose project: volumes labelled `com.docker.compose.project=PROJECT`. */
  project: string | undefined;
  /** A retention policy in the `keep=` grammar, canonical (`last:7,daily:7`), applied after each good run. */
  keep: string | undefined;
  /** A random delay of up to this many milliseconds before each run. */
  jitterMs: number;
  /** Re-read every archive after writing it; retention needs it. */
  verify: boolean;
  /** Stop the running containers that use a volume during its backup. */
  stop: boolean;
  /** Folder for this schedule's archives; default `backup.target`. */
  target: string | undefined;
  /** Where this schedule's runs are notified, replacing `notify.urls`; undefined takes those. */
  notify?: NotificationConfig[] | undefined;
}

export const DEFAULT_CONFIG: StowageConfig = Object.freeze<StowageConfig>({
  inventory: { sizeConcurrency: 8 },
  backup: { target: undefined, compression: 'zstd', concurrency: 2 },
  prune: { protectLabels: [] },
  cost: { pricePerGbMonth: 0.1 },
  schedules: [],
  notify: { webhook: undefined, on: ['failure'], urls: [] },
  api: { allowedHosts: [] },
  scheduler: { concurrency: 2 },
});
