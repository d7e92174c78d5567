/** Builds findings: one subject, or one kind of problem shared by many subjects. Pure. */
import { compareText } from '../core/units.ts';
import type { CheckName, Finding, Severity } from './contract.ts';

/** How many names a grouped finding's `subject` shows before "and N more" (`--json` lists them all). */
export const SUBJECTS_SHOWN = 3;

export interface FindingFields {
  check: CheckName;
  kind: string;
  severity: Severity;
  message: string;
  fix: string;
}

/** A finding about one volume, container or folder. */
export function findingFor(subject: string, fields: FindingFields): Finding {
  return build(fields, subject, [subject]);
}

/**
 * One finding for every subject that has the same kind of problem; `noun` names them in the summary
 * (`volume` → "300 volumes: a, b, c and 297 more"). A single subject is shown by its name alone.
 */
export function groupedFinding(subjects: readonly string[], noun: string, fields: FindingFields): Finding {
  const sorted = [...new Set(subjects)].sort(compareText);
  return build(fields, summarize(sorted, noun), sorted);
}

/** `a`; `2 volumes: a, b`; `300 volumes: a, b, c and 297 more`. */
export function summarize(subjects: readonly string[], noun: string): string {
  if (subjects.length === 1) return subjects[0]!;
  const shown = subjects.slice(0, SUBJECTS_SHOWN).join(', ');
  const more = subjects.length - SUBJECTS_SHOWN;
  return `${subjects.length} ${noun}s: ${shown}${more > 0 ? ` and ${more} more` : ''}`;
}

/** One field order in the JSON, whichever builder made the finding. */
function build(fields: FindingFields, subject: string, subjects: string[]): Finding {
  const { check, kind, severity, message, fix } = fields;
  return { check, kind, severity, subject, subjects, message, fix };
}
