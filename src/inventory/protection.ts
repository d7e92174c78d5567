/** Glossary: protected = labelled `stowage.protect=true` (or a configured label) or marked with `stowage protect`. */
import { LABELS } from '../core/labels.ts';
import type { Labels } from '../engine/contract.ts';

/** `extraLabels` are config entries `KEY` (any value) or `KEY=VALUE`. */
export function protectedByLabel(labels: Labels, extraLabels: readonly string[] = []): boolean {
  if (labels[LABELS.protect]?.toLowerCase() === 'true') return true;
  return extraLabels.some((entry) => {
    const at = entry.indexOf('=');
    return at < 0 ? labels[entry] !== undefined : labels[entry.slice(0, at)] === entry.slice(at + 1);
  });
}
