/**
 * Starting a job and following it live: the progress bar and the outcome are in an aria-live region, so a
 * screen reader hears the result without moving focus.
 */
import { useState } from 'preact/hooks';
import { followJob, type ApiError } from '../api.ts';
import { formatBytes, plural } from '../format.ts';
import type { Job } from '../types.ts';

export interface JobRun {
  job: Job | undefined;
  error: ApiError | Error | undefined;
  busy: boolean;
  run: (start: () => Promise<Job>) => Promise<Job | undefined>;
}

export function useJob(onDone?: (job: Job) => void): JobRun {
  const [job, setJob] = useState<Job>();
  const [error, setError] = useState<ApiError | Error>();
  const [busy, setBusy] = useState(false);
  const run = async (start: () => Promise<Job>) => {
    setBusy(true);
    setError(undefined);
    setJob(undefined);
    try {
      const final = await followJob(await start(), setJob);
      onDone?.(final);
      return final;
    } catch (caught) {
      setError(caught as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { job, error, busy, run };
}

function describeResult(job: Job): string {
  const r = job.result ?? {};
  switch (job.kind) {
    case 'backup':
      return `Backup #${String(r.backupId)} written: ${plural(r.files as number, 'file')}, ${formatBytes(r.bytes as number)}.`;
    case 'restore':
      return `Restored ${plural(r.files as number, 'file')} into volume ${String(r.volume)}${r.created ? ' (new volume)' : ''}.`;
    case 'verify':
      return r.ok
        ? 'Verified: every checksum matched.'
        : `Verification failed: ${(r.problems as string[]).join('; ')}`;
    case 'clone':
      return `Cloned: ${plural(r.files as number, 'file')}, ${formatBytes(r.bytes as number)}.`;
    default:
      return 'Done.';
  }
}

export function JobStatus({ run, label }: { run: JobRun; label: string }) {
  const { job, error } = run;
  const p = job?.progress;
  return (
    <div class="job" aria-live="polite" aria-atomic="true" data-testid={`job-${label}`}>
      {job?.state === 'running' && (
        <div class="job-running">
          <span>
            {job.kind} {job.subject}:{' '}
            {p
              ? `${formatBytes(p.bytes)}${p.expectedBytes ? ` of ${formatBytes(p.expectedBytes)}` : ''}, ${plural(p.entries, 'file')}`
              : 'starting…'}
          </span>
          <progress
            aria-label={`${job.kind} progress`}
            {...(p?.expectedBytes ? { value: p.bytes, max: p.expectedBytes } : {})}
          />
        </div>
      )}
      {job?.state === 'succeeded' && (
        <p class="note ok" role="status">
          {describeResult(job)}
        </p>
      )}
      {job?.state === 'failed' && job.error && (
        <div class="note error" role="alert">
          <strong>
            {job.kind} failed: {job.error.message}
          </strong>
          {job.error.hint && <p class="hint">{job.error.hint}</p>}
        </div>
      )}
      {error && (
        <div class="note error" role="alert">
          <strong>
            {label} failed: {error.message}
          </strong>
          {'hint' in error && error.hint && <p class="hint">{error.hint}</p>}
        </div>
      )}
    </div>
  );
}
