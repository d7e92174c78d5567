/** `stowage create`: `docker volume create` plus `--nfs`/`--cifs` shorthands, checked before the engine sees it. */
import type { Engine, EngineVolume, Labels } from '../engine/contract.ts';
import { cifsOptions, mergeOptions, nfsOptions, validateLocalVolume } from './local-driver-options.ts';

export interface CreateVolumeInput {
  name?: string;
  driver?: string;
  options?: Labels;
  labels?: Labels;
  nfs?: string;
  cifs?: string;
}

/** @throws StowageError 'invalid' for bad options; the engine's errors otherwise (e.g. 'conflict'). */
export async function createVolume(engine: Engine, input: CreateVolumeInput): Promise<EngineVolume> {
  const driver = input.driver ?? 'local';
  let options = input.options ?? {};
  if (input.nfs) options = mergeOptions(nfsOptions(input.nfs), options);
  if (input.cifs) options = mergeOptions(cifsOptions(input.cifs), options);
  if (driver === 'local') validateLocalVolume(input.name, options);
  const request = {
    driver,
    options,
    labels: input.labels ?? {},
    ...(input.name ? { name: input.name } : {}),
  };
  return engine.volumes.create(request);
}
