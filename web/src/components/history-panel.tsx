/** A volume's recorded history: creation, first user, last use (with gaps said), and its recent events. */
import { formatDate, formatSpan, plural, relative } from '../format.ts';
import type { VolumeHistory } from '../types.ts';
import type { Loaded } from './use-api.ts';

export function HistoryPanel({ history }: { history: Loaded<VolumeHistory> }) {
  const h = history.data;
  return (
    <div class="panel">
      <h2>History</h2>
      {history.error && <p class="hint">No history: {history.error.message}</p>}
      {h && (
        <>
          <dl class="facts">
            <dt>Created</dt>
            <dd>{formatDate(h.createdAt)}</dd>
            <dt>First user</dt>
            <dd>{h.firstUser?.containerName ?? '—'}</dd>
            <dt>Last used</dt>
            <dd>
              {h.inUse ? 'in use now' : h.lastUsedAt ? relative(h.lastUsedAt) : 'never seen in use'}
              {h.idleForMs !== null &&
                !h.inUse &&
                ` (idle for ${formatSpan(h.idleForMs)}${h.certainty === 'unknown' ? ' at least' : ''})`}
            </dd>
          </dl>
          {h.gaps.length > 0 && (
            <p class="hint">
              The history has {plural(h.gaps.length, 'gap')} (the recorder was not running), so idle times may
              be longer.
            </p>
          )}
          {h.events.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Container</th>
                  <th scope="col">At</th>
                </tr>
              </thead>
              <tbody>
                {[...h.events]
                  .reverse()
                  .slice(0, 50)
                  .map((e, i) => (
                    <tr key={i}>
                      <th scope="row" title={formatDate(e.at)}>
                        {relative(e.at)}
                      </th>
                      <td>
                        {e.action}
                        {e.source === 'reconcile' ? ' (inferred)' : ''}
                      </td>
                      <td>{e.containerName ?? '—'}</td>
                      <td>
                        {e.destination ? <code>{e.destination}</code> : '—'} {e.readOnly ? '(ro)' : ''}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
