/**
 * The API client: the token lives in sessionStorage (gone when the tab closes), every call sends it as a
 * bearer header, and a refused token or an unreachable engine becomes a `ProblemError` the app turns into
 * a full page. Live progress uses EventSource, which cannot send headers, with a one-use ticket.
 */
import type { Job } from './types.ts';

const KEY = 'stowage.token';

export const token = {
  get: (): string => sessionStorage.getItem(KEY) ?? '',
  set: (value: string): void => sessionStorage.setItem(KEY, value.trim()),
  clear: (): void => sessionStorage.removeItem(KEY),
};

/** An error body of the API: `{ error: { kind, message, hint } }`, with the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly kind: string;
  readonly hint: string | null;
  constructor(status: number, kind: string, message: string, hint: string | null) {
    super(message);
    this.status = status;
    this.kind = kind;
    this.hint = hint;
  }
}

type Listener = (error: ApiError) => void;
const listeners = new Set<Listener>();

/** Called with every 401 and 503: the app shows the wrong-token or engine-unreachable page. */
export function onProblem(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { kind?: string; message?: string; hint?: string | null };
  } | null;
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.kind ?? (response.status === 503 ? 'unreachable' : 'failed'),
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.hint ?? null,
  );
}

/** One API call with the token; JSON in and out. @throws ApiError for any non-2xx answer. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token.get()}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    const error = new ApiError(
      0,
      'daemon-unreachable',
      'the Stowage daemon does not answer',
      'is `stowage daemon` running?',
    );
    for (const listener of listeners) listener(error);
    throw error;
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.status === 401 || error.status === 503) for (const listener of listeners) listener(error);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * Follows a job live until it ends: `onUpdate` gets every progress event and the final job. The stream is
 * opened with a ticket (EventSource sends no headers); if the stream breaks, the job is polled instead.
 */
export async function followJob(job: Job, onUpdate: (job: Job) => void): Promise<Job> {
  onUpdate(job);
  if (job.state !== 'running') return job;
  const { ticket } = await api<{ ticket: string }>('/api/tickets', { method: 'POST' });
  const streamed = await new Promise<Job | undefined>((resolve) => {
    const source = new EventSource(`/api/jobs/${job.id}/events?ticket=${encodeURIComponent(ticket)}`);
    const read = (event: MessageEvent) => JSON.parse(event.data as string) as Job;
    source.addEventListener('progress', (event) => onUpdate(read(event)));
    source.addEventListener('done', (event) => {
      source.close();
      resolve(read(event));
    });
    source.onerror = () => {
      source.close();
      resolve(undefined);
    };
  });
  let current = streamed;
  while (!current || current.state === 'running') {
    if (current) await new Promise((resolve) => setTimeout(resolve, 500));
    current = await api<Job>(`/api/jobs/${job.id}`);
    onUpdate(current);
  }
  onUpdate(current);
  return current;
}
