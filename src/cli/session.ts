/**
 * What a command needs, created on first use and closed once: the engine connection, the config, the
 * catalog and the services over them. Commands never build these themselves.
 */
import { openCatalog, type Catalog } from '../catalog/catalog.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { loadConfig } from '../config/load-config.ts';
import type { StowageConfig } from '../config/config-schema.ts';
import type { Engine } from '../engine/contract.ts';
import { connectEngine } from '../engine/docker-engine.ts';
import { InventoryService } from '../inventory/inventory-service.ts';
import { ProtectionMarks } from '../lifecycle/protection-marks.ts';
import { consoleOutput, type Output } from './output.ts';

export interface GlobalOptions {
  host?: string;
  context?: string;
  dataDir?: string;
}

export class CliSession {
  readonly out: Output;
  readonly dataDir: string;
  readonly #globals: GlobalOptions;
  #config: StowageConfig | undefined;
  #engine: Engine | undefined;
  #catalog: Catalog | undefined;
  #inventory: InventoryService | undefined;
  #marks: ProtectionMarks | undefined;

  constructor(globals: GlobalOptions, out: Output = consoleOutput()) {
    this.#globals = globals;
    this.out = out;
    this.dataDir = resolveDataDir(globals.dataDir);
  }

  config(): StowageConfig {
    this.#config ??= loadConfig(this.dataDir);
    return this.#config;
  }

  engine(): Engine {
    // Flags win over the config file, which wins over DOCKER_HOST and contexts.
    const fromConfig = this.#globals.host || this.#globals.context ? {} : (this.config().engine ?? {});
    this.#engine ??= connectEngine({
      host: this.#globals.host ?? fromConfig.host,
      context: this.#globals.context ?? fromConfig.context,
    });
    return this.#engine;
  }

  catalog(): Catalog {
    this.#catalog ??= openCatalog(this.dataDir);
    return this.#catalog;
  }

  protectionMarks(): ProtectionMarks {
    this.#marks ??= new ProtectionMarks(this.engine(), this.catalog());
    return this.#marks;
  }

  inventory(): InventoryService {
    this.#inventory ??= new InventoryService(this.engine(), {
      protectedNames: () => this.protectionMarks().names(),
      protectLabels: this.config().prune.protectLabels,
      sizeConcurrency: this.config().inventory.sizeConcurrency,
    });
    return this.#inventory;
  }

  close(): void {
    this.#engine?.close();
    this.#catalog?.close();
  }
}
