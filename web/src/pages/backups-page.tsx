/**
 * Backups and schedules: each schedule's next run with run-now, the runs over time (a timeline: one row per
 * schedule, green successes, red failures, dot size by bytes), and every backup in the catalog.
 */
import { useMemo } from 'preact/hooks';
import { api } from '../api.ts';
import { Badge, ErrorNote, Loading, PageTitle } from '../components/bits.tsx';
import { Chart } from '../components/chart.tsx';
import { JobStatus, useJob } from '../components/job-status.tsx';
import { useApi } from '../components/use-api.ts';
import { formatBytes, formatDate, plural, relative, shortName } from '../format.ts';
import { volumePath } from '../router.ts';
import type { Backup, Job, Run, Schedule } from '../types.ts';

const RESULT_COLOR: Record<string, string> = {
  success: '#27ae60',
  failed: '#c0392b',
  interrupted: '#e67e22',
};

export function BackupsPage() {
  const schedules = useApi<Schedule[]>('/api/schedules');
  const runs = useApi<Run[]>('/api/runs?limit=1000');
  const backups = useApi<Backup[]>('/api/backups');
  const runNow = useJob(() => {
    runs.reload();
    schedules.reload();
    backups.reload();
  });

  const timeline = useMemo(() => {
    const list = runs.data ?? [];
    const names = [...new Set(list.map((r) => r.schedule))].sort();
    const maxBytes = Math.max(1, ...list.map((r) => r.bytes ?? 0));
    const series = (['success', 'failed', 'interrupted'] as const).map((result) => ({
      name: result,
      type: 'scatter',
      itemStyle: { color: RESULT_COLOR[result] },
      symbolSize: (value: [number, string, number]) => 8 + 16 * Math.sqrt((value[2] ?? 0) / maxBytes),
      data: list
        .filter((r) => r.result === result)
        .map((r) => [Date.parse(r.startedAt), r.schedule, r.bytes ?? 0, r.volume ?? '']),
    }));
    return {
      names,
      option: {
        grid: { left: 8, right: 24, top: 32, bottom: 40, containLabel: true },
        legend: { top: 0 },
        tooltip: {
          formatter: (p: { seriesName: string; value: [number, string, number, string] }) =>
            `${p.value[1]} · ${p.value[3]}<br/>${new Date(p.value[0]).toLocaleString()}<br/>${p.seriesName}, ${formatBytes(p.value[2])}`,
        },
        // Padding on both sides, so the first and last runs are not cut in half by the axis.
        xAxis: {
          type: 'time',
          min: (v: { min: number; max: number }) => v.min - Math.max(60_000, (v.max - v.min) * 0.05),
          max: (v: { min: number; max: number }) => v.max + Math.max(60_000, (v.max - v.min) * 0.05),
        },
        yAxis: { type: 'category', data: names },
        dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 8 }],
        series,
      },
    };
  }, [runs.data]);

  const counts = (runs.data ?? []).reduce<Record<string, number>>((acc, r) => {
    acc[r.result ?? 'running'] = (acc[r.result ?? 'running'] ?? 0) + 1;
    return acc;
  }, {});

  return (
    <section>
      <PageTitle title="Backups and schedules">Backups and schedules</PageTitle>
      <div class="panel">
        <h2>Schedules</h2>
        <ErrorNote error={schedules.error} />
        {!schedules.data && !schedules.error && <Loading what="schedules" />}
        {schedules.data?.length === 0 && (
          <p>
            No schedule. Add one to the config file (<code>schedules:</code>) or label a volume{' '}
            <code>stowage.backup.schedule=CRON</code>.
          </p>
        )}
        {schedules.data && schedules.data.length > 0 && (
          <div class="table-wrap">
            <table data-testid="schedules-table">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">When</th>
                  <th scope="col">Volumes</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {schedules.data.map((s) => (
                  <tr key={s.name}>
                    <th scope="row">
                      {s.name} {s.late && <Badge tone="bad">late</Badge>}
                    </th>
                    <td>
                      <code>{s.cron}</code>
                    </td>
                    <td>
                      {s.label
                        ? `label ${s.label}`
                        : s.project
                          ? `project ${s.project}`
                          : s.volumes.join(', ')}
                    </td>
                    <td title={formatDate(s.nextFire)}>{relative(s.nextFire)}</td>
                    <td>
                      {s.lastRun ? (
                        <>
                          <Badge
                            tone={s.lastRun.result === 'success' ? 'ok' : s.lastRun.result ? 'bad' : 'muted'}
                          >
                            {s.lastRun.result ?? 'running'}
                          </Badge>{' '}
                          {relative(s.lastRun.startedAt)}
                        </>
                      ) : (
                        'never'
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        class="small"
                        disabled={runNow.busy}
                        onClick={() =>
                          void runNow.run(() =>
                            api<Job>(`/api/schedules/${encodeURIComponent(s.name)}/run`, { method: 'POST' }),
                          )
                        }
                      >
                        Run {s.name} now
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <JobStatus run={runNow} label="run" />
      </div>
      <div class="panel">
        <h2>Runs over time</h2>
        <ErrorNote error={runs.error} />
        {runs.data && runs.data.length === 0 && <p>No run recorded yet.</p>}
        {runs.data && runs.data.length > 0 && (
          <>
            <p>
              {plural(runs.data.length, 'run')}: {counts.success ?? 0} succeeded, {counts.failed ?? 0} failed
              {counts.interrupted ? `, ${counts.interrupted} interrupted` : ''};{' '}
              {formatBytes(runs.data.reduce((n, r) => n + (r.bytes ?? 0), 0))} backed up.
            </p>
            <Chart
              option={timeline.option}
              height={Math.max(180, 60 + 36 * timeline.names.length)}
              label={`Timeline of ${runs.data.length} runs of ${timeline.names.length} schedules`}
              testId="runs-chart"
            />
          </>
        )}
      </div>
      <div class="panel">
        <h2>Backups</h2>
        <ErrorNote error={backups.error} />
        {backups.data && backups.data.length === 0 && <p>No backup in the catalog.</p>}
        {backups.data && backups.data.length > 0 && (
          <div class="table-wrap">
            <table data-testid="all-backups-table">
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">Volume</th>
                  <th scope="col">Finished</th>
                  <th scope="col">Data</th>
                  <th scope="col">Archive</th>
                  <th scope="col">Verified</th>
                </tr>
              </thead>
              <tbody>
                {backups.data.map((b) => (
                  <tr key={b.id}>
                    <th scope="row">#{b.id}</th>
                    <td>
                      <a href={volumePath(b.volume)} title={b.volume}>
                        {shortName(b.volume)}
                      </a>
                    </td>
                    <td title={formatDate(b.finishedAt)}>{relative(b.finishedAt)}</td>
                    <td class="num">{formatBytes(b.bytes)}</td>
                    <td class="num">{formatBytes(b.archiveBytes)}</td>
                    <td>
                      {b.verifyStatus === 'ok' ? (
                        <Badge tone="ok">good</Badge>
                      ) : b.verifyStatus === 'failed' ? (
                        <Badge tone="bad">failed</Badge>
                      ) : (
                        <Badge tone="muted">not verified</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
