/**
 * The OPTS of `-v SRC:DST:OPTS` as the engine reads them (`linuxValidMountMode`): a comma list where each item
 * belongs to one class, and each class appears at most once.
 */
import type { Propagation, SelinuxLabel } from './mount-spec.ts';
import { PROPAGATIONS } from './engine-mount.ts';

export interface ShortMode {
  readonly readOnly: boolean;
  readonly selinuxLabel?: SelinuxLabel;
  readonly propagation?: Propagation;
  readonly noCopy: boolean;
  readonly consistency?: string;
}

type ModeClass = 'rw' | 'label' | 'propagation' | 'copy' | 'consistency';

function classOf(item: string): ModeClass | undefined {
  if (item === 'rw' || item === 'ro') return 'rw';
  if (item === 'z' || item === 'Z') return 'label';
  if (PROPAGATIONS.has(item)) return 'propagation';
  if (item === 'nocopy') return 'copy';
  // Docker Desktop's consistency hints; a Linux engine accepts them and ignores them. `default` is not one.
  if (item === 'consistent' || item === 'cached' || item === 'delegated') return 'consistency';
  return undefined;
}

/** The mode's meaning, or `undefined` when the engine calls it invalid. `''` is valid: all defaults. */
export function parseShortMode(mode: string): ShortMode | undefined {
  if (mode === '') return { readOnly: false, noCopy: false };
  const byClass = new Map<ModeClass, string>();
  for (const item of mode.split(',')) {
    const modeClass = classOf(item);
    if (modeClass === undefined || byClass.has(modeClass)) return undefined;
    byClass.set(modeClass, item);
  }
  const label = byClass.get('label');
  const propagation = byClass.get('propagation');
  const consistency = byClass.get('consistency');
  return {
    readOnly: byClass.get('rw') === 'ro',
    noCopy: byClass.has('copy'),
    ...(label !== undefined && { selinuxLabel: label as SelinuxLabel }),
    ...(propagation !== undefined && { propagation: propagation as Propagation }),
    ...(consistency !== undefined && { consistency }),
  };
}
