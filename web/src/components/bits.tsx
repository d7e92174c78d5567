/** Small shared pieces: error notes, status and severity badges, the page heading. */
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { ApiError } from '../api.ts';
import type { VolumeStatus } from '../types.ts';

export function ErrorNote({ error }: { error: ApiError | Error | undefined }) {
  if (!error) return null;
  const hint = 'hint' in error ? error.hint : null;
  return (
    <div class="note error" role="alert">
      <strong>{error.message}</strong>
      {hint && <p class="hint">{hint}</p>}
    </div>
  );
}

const STATUS_TEXT: Record<VolumeStatus, string> = {
  'in-use': 'in use',
  idle: 'stopped users',
  dangling: 'dangling',
};

export function StatusBadge({ status }: { status: VolumeStatus }) {
  return <span class={`badge status-${status}`}>{STATUS_TEXT[status]}</span>;
}

export const statusText = (status: VolumeStatus): string => STATUS_TEXT[status];

export function Badge({ tone, children }: { tone: string; children: ComponentChildren }) {
  return <span class={`badge tone-${tone}`}>{children}</span>;
}

/** The page's h1, also the document title, so screen readers and tabs say where one is. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  useEffect(() => {
    document.title = `${title} · Stowage`;
  }, [title]);
  return <h1>{children}</h1>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}
