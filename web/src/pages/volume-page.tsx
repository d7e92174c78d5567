/**
 * One volume: what `stowage inspect` knows, its containers, its history, its backups, and the actions
 * (back up, verify, restore into a new volume, clone), each followed live.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Badge, ErrorNote, Loading, PageTitle, StatusBadge } from '../components/bits.tsx';
import { JobStatus, useJob } from '../components/job-status.tsx';
import { HistoryPanel } from '../components/history-panel.tsx';
import { useApi } from '../components/use-api.ts';
import { formatBytes, formatDate, relative } from '../format.ts';
import { volumePath } from '../router.ts';
import type { Backup, Job, VolumeDetails, VolumeHistory } from '../types.ts';

export function VolumePage({ name }: { name: string }) {
  const path = `/api/volumes/${encodeURIComponent(name)}`;
  const volume = useApi<VolumeDetails>(path);
  const history = useApi<VolumeHistory>(`${path}/history`);
  const backups = useApi<Backup[]>(`/api/backups?volume=${encodeURIComponent(name)}`);
  const reloadBackups = (job: Job) => job.state === 'succeeded' && backups.reload();
  const backup = useJob(reloadBackups);
  const verify = useJob(reloadBackups);
  const restore = useJob();
  const clone = useJob();
  const [restoreFrom, setRestoreFrom] = useState('');
  const [restoreInto, setRestoreInto] = useState('');
  const [cloneInto, setCloneInto] = useState('');
  const v = volume.data;
  const newest = backups.data?.[0];
  const chosen = restoreFrom || (newest ? String(newest.id) : '');

  return (
    <section>
      <p class="crumbs">
        <a href="/">Volumes</a> / <span>{name}</span>
      </p>
      <PageTitle title={name}>
        Volume <code class="volume-name">{name}</code>
      </PageTitle>
      <ErrorNote error={volume.error} />
      {!v && !volume.error && <Loading what="the volume" />}
      {v && (
        <div class="grid-2">
          <div class="panel">
            <h2>Details</h2>
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={v.status} /> {v.anonymous && <Badge tone="muted">anonymous</Badge>}{' '}
                {v.protected && <Badge tone="ok">protected</Badge>}
              </dd>
              <dt>Size</dt>
              <dd>{formatBytes(v.sizeBytes)}</dd>
              <dt>Driver</dt>
              <dd>
                {v.driver} ({v.scope})
              </dd>
              <dt>Created</dt>
              <dd>{formatDate(v.createdAt)}</dd>
              <dt>Mountpoint</dt>
              <dd>
                <code>{v.mountpoint}</code>
              </dd>
              {v.composeProject && (
                <>
                  <dt>Compose project</dt>
                  <dd>{v.composeProject}</dd>
                </>
              )}
              {v.createdBy && (
                <>
                  <dt>Created by</dt>
                  <dd>
                    {v.createdBy.container ?? '?'} ({v.createdBy.image ?? '?'}) at{' '}
                    {v.createdBy.destination ?? '?'}
                  </dd>
                </>
              )}
              <dt>Labels</dt>
              <dd>
                {Object.keys(v.labels).length === 0
                  ? '—'
                  : Object.entries(v.labels).map(([k, val]) => (
                      <code class="label" key={k}>
                        {k}={val}
                      </code>
                    ))}
              </dd>
              {Object.keys(v.options).length > 0 && (
                <>
                  <dt>Options</dt>
                  <dd>
                    {Object.entries(v.options).map(([k, val]) => (
                      <code class="label" key={k}>
                        {k}={val}
                      </code>
                    ))}
                  </dd>
                </>
              )}
            </dl>
          </div>
          <div class="panel">
            <h2>Actions</h2>
            <div class="action">
              <button
                type="button"
                disabled={backup.busy}
                onClick={() =>
                  void backup.run(() => api<Job>(`${path}/backups`, { method: 'POST', body: {} }))
                }
              >
                Back up now
              </button>
              <JobStatus run={backup} label="backup" />
            </div>
            <form
              class="action"
              onSubmit={(e) => {
                e.preventDefault();
                void restore.run(() =>
                  api<Job>(`/api/backups/${chosen}/restore`, {
                    method: 'POST',
                    body: { volume: restoreInto.trim() },
                  }),
                );
              }}
            >
              <label>
                Backup
                <select
                  value={chosen}
                  onChange={(e) => setRestoreFrom(e.currentTarget.value)}
                  disabled={!newest}
                >
                  {backups.data?.map((b) => (
                    <option value={String(b.id)} key={b.id}>
                      #{b.id} · {formatDate(b.finishedAt)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Restore into new volume
                <input
                  name="restore-into"
                  required
                  value={restoreInto}
                  placeholder={`${name}-restored`}
                  onInput={(e) => setRestoreInto(e.currentTarget.value)}
                />
              </label>
              <button type="submit" disabled={restore.busy || !newest}>
                Restore
              </button>
              <JobStatus run={restore} label="restore" />
              {restore.job?.state === 'succeeded' && (
                <p>
                  <a href={volumePath(String(restore.job.result?.volume))}>
                    Open {String(restore.job.result?.volume)}
                  </a>
                </p>
              )}
            </form>
            <form
              class="action"
              onSubmit={(e) => {
                e.preventDefault();
                void clone.run(() =>
                  api<Job>(`${path}/clone`, { method: 'POST', body: { destination: cloneInto.trim() } }),
                );
              }}
            >
              <label>
                Clone into new volume
                <input
                  name="clone-into"
                  required
                  value={cloneInto}
                  onInput={(e) => setCloneInto(e.currentTarget.value)}
                />
              </label>
              <button type="submit" disabled={clone.busy}>
                Clone
              </button>
              <JobStatus run={clone} label="clone" />
            </form>
          </div>
        </div>
      )}
      {v && (
        <div class="panel">
          <h2>Containers</h2>
          {v.containers.length === 0 ? (
            <p>No container mounts this volume.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Container</th>
                  <th scope="col">Image</th>
                  <th scope="col">Mounted at</th>
                  <th scope="col">Access</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {v.containers.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>{c.image}</td>
                    <td>
                      <code>{c.destination}</code>
                    </td>
                    <td>
                      {c.readOnly ? (
                        <Badge tone="muted">read-only</Badge>
                      ) : (
                        <Badge tone="warn">read-write</Badge>
                      )}
                    </td>
                    <td>{c.running ? 'running' : 'stopped'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <div class="panel">
        <h2>Backups</h2>
        <ErrorNote error={backups.error} />
        {backups.data && backups.data.length === 0 && <p>No backup yet.</p>}
        {backups.data && backups.data.length > 0 && (
          <table data-testid="backups-table">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Finished</th>
                <th scope="col">Files</th>
                <th scope="col">Data</th>
                <th scope="col">Archive</th>
                <th scope="col">Verified</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {backups.data.map((b) => (
                <tr key={b.id}>
                  <th scope="row">#{b.id}</th>
                  <td title={formatDate(b.finishedAt)}>{relative(b.finishedAt)}</td>
                  <td class="num">{b.files ?? 'n/a'}</td>
                  <td class="num">{formatBytes(b.bytes)}</td>
                  <td class="num">
                    {formatBytes(b.archiveBytes)} ({b.compression})
                  </td>
                  <td>
                    {b.verifyStatus === 'ok' && <Badge tone="ok">good · {relative(b.verifiedAt)}</Badge>}
                    {b.verifyStatus === 'failed' && <Badge tone="bad">failed: {b.verifyError}</Badge>}
                    {!b.verifyStatus && <Badge tone="muted">not verified</Badge>}
                  </td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      disabled={verify.busy}
                      onClick={() =>
                        void verify.run(() =>
                          api<Job>(`/api/backups/${b.id}/verify`, { method: 'POST', body: {} }),
                        )
                      }
                    >
                      Verify #{b.id}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <JobStatus run={verify} label="verify" />
      </div>
      <HistoryPanel history={history} />
    </section>
  );
}
