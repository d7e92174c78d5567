/** The glossary's one rule for "anonymous", the same on every engine version. */
import { LABELS } from '../core/labels.ts';
import type { EngineVolume } from '../engine/contract.ts';

const GENERATED_NAME = /^[0-9a-f]{64}$/;

/**
 * Engines from 23.0 label anonymous volumes, but not on every path (and 20.10 never does); every engine
 * names them with 64 hex digits. Either sign is enough.
 */
export function isAnonymous(volume: Pick<EngineVolume, 'name' | 'labels'>): boolean {
  return volume.labels[LABELS.anonymous] !== undefined || GENERATED_NAME.test(volume.name);
}
