/** What every backup-side operation needs: the engine, its identity, the data folder and the catalog. */
import type { Catalog } from '../catalog/catalog.ts';
import type { Engine, EngineInfo } from '../engine/contract.ts';

export interface BackupContext {
  engine: Engine;
  engineInfo: EngineInfo;
  dataDir: string;
  catalog: Catalog;
}

/** Progress of one volume's data stream, reported often; throttle where it is shown. */
export interface TransferProgress {
  volume: string;
  /** Uncompressed tar bytes moved so far. */
  bytes: number;
  entries: number;
  /** Expected total bytes when known (from the inventory's size), for an ETA. */
  expectedBytes: number | undefined;
}
