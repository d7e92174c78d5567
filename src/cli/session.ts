/**
 * What a command needs, created on first use and closed once: the engine connection, the config, the
 * catalog and the services over them. Commands never build these themselves.
 */
import { catalogExists, openCatalog, type Catalog } from '../catalog/catalog.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { configPath, loadConfig } from '../config/load-config.ts';
import type { StowageConfig } from '../config/config-types.ts';
import type { Engine, EngineInfo } from '../engine/contract.ts';
import { connectEngine } from '../engine/docker-engine.ts';
import { fileVersionCache, type VersionCache } from '../engine/version-cache.ts';
import { fileSystemError } from '../core/file-errors.ts';
import { makeFolderSync } from '../core/make-folder.ts';
import { join } from 'node:path';
import { InventoryService } from '../inventory/inventory-service.ts';
import { ProtectionMarks } from '../lifecycle/protection-marks.ts';
import type { BackupContext } from '../backup/backup-context.ts';
import { recoverInterruptedRuns } from '../backup/run-journal.ts';
import { localHostProbe } from '../mounts/local-host-probe.ts';
import type { HostProbe } from '../mounts/mount-spec.ts';
import { plural } from '../core/terminal-text.ts';
import { consoleOutput, type Output } from './output.ts';

export interface GlobalOptions {
  host?: string;
  context?: string;
  dataDir?: string;
  /** false with `--no-trunc` (on the commands that print tables). */
  trunc?: boolean;
}

export interface SessionMode {
  /**
   * A command that only reads (`ls`, `inspect`, `info`, …) leaves the disk as it found it: no data folder,
   * no catalog, no version cache file. It still reads what is there.
   */
  readOnly?: boolean;
}

export class CliSession {
  readonly out: Output;
  readonly dataDir: string;
  readonly #globals: GlobalOptions;
  readonly #config: StowageConfig;
  readonly #readOnly: boolean;
  #engine: Engine | undefined;
  #catalog: Catalog | undefined;
  #inventory: InventoryService | undefined;
  #marks: ProtectionMarks | undefined;
  #engineInfo: Promise<EngineInfo> | undefined;

  private constructor(
    globals: GlobalOptions,
    dataDir: string,
    config: StowageConfig,
    out: Output,
    mode: SessionMode,
  ) {
    this.#globals = globals;
    this.#readOnly = mode.readOnly ?? false;
    this.dataDir = dataDir;
    this.#config = config;
    this.out = out;
  }

  /** Reads the config file first, so a broken config fails every command the same way. */
  static async open(
    globals: GlobalOptions,
    out: Output = consoleOutput(undefined, undefined, { truncate: globals.trunc !== false }),
    mode: SessionMode = {},
  ): Promise<CliSession> {
    const dataDir = resolveDataDir(globals.dataDir);
    // Reading a file does not always say which (EISDIR from a read has no path): name the config file.
    const config = await loadConfig(dataDir).catch((error: unknown) => {
      throw fileSystemError(error, { path: configPath(dataDir), action: 'read the config file' }) ?? error;
    });
    return new CliSession(globals, dataDir, config, out, mode);
  }

  config(): StowageConfig {
    return this.#config;
  }

  engine(): Engine {
    // Flags win over the config file, which wins over DOCKER_HOST and contexts.
    const fromConfig = this.#globals.host || this.#globals.context ? {} : (this.config().engine ?? {});
    this.#engine ??= connectEngine(
      { host: this.#globals.host ?? fromConfig.host, context: this.#globals.context ?? fromConfig.context },
      { versionCache: this.#versionCache() },
    );
    return this.#engine;
  }

  /** Read by every command; written only by those that may write, into a data folder made safely. */
  #versionCache(): VersionCache {
    const file = fileVersionCache(join(this.dataDir, 'engine-versions.json'));
    return {
      get: (endpoint) => file.get(endpoint),
      set: (endpoint, version) => {
        if (this.#readOnly) return;
        try {
          makeFolderSync(this.dataDir, 0o700);
        } catch {
          return; // an unusable data folder only costs the next command a ping
        }
        file.set(endpoint, version);
      },
    };
  }

  catalog(): Catalog {
    if (!this.#catalog) {
      // The folder first, made safely: Node's recursive mkdir (in openCatalog) loops forever under /proc.
      makeFolderSync(this.dataDir, 0o700);
      this.#catalog = openCatalog(this.dataDir);
    }
    return this.#catalog;
  }

  protectionMarks(): ProtectionMarks {
    this.#marks ??= new ProtectionMarks(this.engine(), this.catalog(), () => this.engineInfo());
    return this.#marks;
  }

  inventory(): InventoryService {
    this.#inventory ??= new InventoryService(this.engine(), {
      // No catalog yet means no marks: listing must not create one (nor pay for opening it).
      protectedNames: () =>
        catalogExists(this.dataDir) ? this.protectionMarks().names() : Promise.resolve(new Set<string>()),
      protectLabels: this.config().prune.protectLabels,
      sizeConcurrency: this.config().inventory.sizeConcurrency,
    });
    return this.#inventory;
  }

  /**
   * The engine's information, its `id` being Stowage's engine key, once registered in the catalog: the
   * first time an engine is seen, the rows kept under its reported ID are handed over where that is safe
   * (`EngineStore.register`). Everything that reads or writes per-engine rows goes through here.
   */
  engineInfo(): Promise<EngineInfo> {
    this.#engineInfo ??= this.engine()
      .info()
      .then((info) => {
        this.catalog().engines.register(info);
        return info;
      });
    return this.#engineInfo;
  }

  /**
   * For commands that move data: the engine's identity, the catalog, and — first — the repair of what
   * killed runs left behind (helpers removed, stopped containers restarted), reported on stderr.
   */
  async backupContext(): Promise<BackupContext> {
    makeFolderSync(this.dataDir, 0o700); // before the run journal and locks use it (see catalog())
    const engine = this.engine();
    const engineInfo = await this.engineInfo();
    const recovery = await recoverInterruptedRuns(this.dataDir, engine);
    if (
      recovery.helpersRemoved ||
      recovery.containersRestarted.length ||
      recovery.containersUnpaused.length
    ) {
      this.out.note(
        `stowage: put right what an interrupted run left: ${plural(recovery.helpersRemoved, 'helper')} removed, ` +
          `${plural(recovery.containersRestarted.length, 'container')} restarted, ${recovery.containersUnpaused.length} unpaused`,
      );
    }
    for (const failure of recovery.failures) this.out.note(`stowage: recovery: ${failure}`);
    return { engine, engineInfo, dataDir: this.dataDir, catalog: this.catalog() };
  }

  /** Host checks for mount specs, only when the engine runs on this host (else they would check the wrong disk). */
  async hostProbe(): Promise<HostProbe | undefined> {
    const engine = this.engine();
    if (!engine.local) return undefined;
    const daemonRoot = await engine.info().then(
      (info) => info.dockerRootDir,
      () => undefined,
    );
    return localHostProbe(daemonRoot ? { daemonRoot } : {});
  }

  close(): void {
    this.#engine?.close();
    this.#catalog?.close();
  }
}
