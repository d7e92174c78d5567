/**
 * Volumes: the table (sortable, filterable, searchable) and a bar chart of the largest. The table comes
 * from the fast listing (`sizes=false`) first; sizes and last use/backup fill in when they arrive, so a host
 * with a thousand volumes shows rows at once.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type ApiError } from '../api.ts';
import { ErrorNote, Loading, PageTitle, StatusBadge, statusText } from '../components/bits.tsx';
import { Chart } from '../components/chart.tsx';
import { formatBytes, formatDate, relative, shortName } from '../format.ts';
import { navigate, volumePath } from '../router.ts';
import type { Volume, VolumeActivity } from '../types.ts';

type SortKey = 'name' | 'driver' | 'size' | 'containers' | 'status' | 'lastBackup' | 'lastUsed';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'driver', label: 'Driver' },
  { key: 'size', label: 'Size' },
  { key: 'containers', label: 'Containers' },
  { key: 'status', label: 'Status' },
  { key: 'lastBackup', label: 'Last backup' },
  { key: 'lastUsed', label: 'Last used' },
];

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : -Infinity);

export function VolumesPage() {
  const [volumes, setVolumes] = useState<Volume[]>();
  const [activity, setActivity] = useState<Map<string, VolumeActivity>>(new Map());
  const [sized, setSized] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const [kind, setKind] = useState('all');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'name', descending: false });

  useEffect(() => {
    let live = true;
    // Rows first, then the slower extras; each fills in as it arrives.
    api<Volume[]>('/api/volumes?sizes=false')
      .then((fast) => {
        if (!live) return;
        setVolumes((current) => current ?? fast);
        void api<VolumeActivity[]>('/api/activity').then(
          (rows) => live && setActivity(new Map(rows.map((r) => [r.name, r]))),
          () => undefined,
        );
        return api<Volume[]>('/api/volumes').then((full) => {
          if (!live) return;
          setVolumes(full);
          setSized(true);
        });
      })
      .catch((e: ApiError) => live && setError(e));
    return () => {
      live = false;
    };
  }, []);

  const rows = useMemo(() => {
    if (!volumes) return [];
    const needle = search.trim().toLowerCase();
    const key = (v: Volume): number | string => {
      const a = activity.get(v.name);
      switch (sort.key) {
        case 'size':
          return v.sizeBytes ?? -1;
        case 'containers':
          return v.containers.length;
        case 'lastBackup':
          return time(a?.lastBackupAt);
        case 'lastUsed':
          return time(a?.lastUsedAt);
        case 'driver':
          return v.driver;
        case 'status':
          return v.status;
        default:
          return v.name;
      }
    };
    const filtered = volumes.filter(
      (v) =>
        (status === 'all' || v.status === status) &&
        (kind === 'all' || (kind === 'anonymous') === v.anonymous) &&
        (!needle ||
          v.name.toLowerCase().includes(needle) ||
          v.driver.includes(needle) ||
          (v.composeProject ?? '').toLowerCase().includes(needle) ||
          v.containers.some((c) => c.name.toLowerCase().includes(needle))),
    );
    const sign = sort.descending ? -1 : 1;
    return filtered.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : text(String(x), String(y));
      return sign * order || text(a.name, b.name);
    });
  }, [volumes, activity, search, status, kind, sort]);

  const largest = useMemo(() => {
    const top = [...(volumes ?? [])]
      .filter((v) => v.sizeBytes !== null)
      .sort((a, b) => b.sizeBytes! - a.sizeBytes!)
      .slice(0, 12)
      .reverse();
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number }) => `${p.name}: ${formatBytes(p.value)}`,
      },
      xAxis: {
        type: 'value',
        splitNumber: 3,
        axisLabel: { hideOverlap: true, formatter: (v: number) => formatBytes(v) },
      },
      yAxis: { type: 'category', data: top.map((v) => shortName(v.name)) },
      series: [
        {
          type: 'bar',
          data: top.map((v) => ({ value: v.sizeBytes, name: v.name })),
          itemStyle: { color: '#2f6fad' },
        },
      ],
    };
  }, [volumes]);

  const header = (column: { key: SortKey; label: string }) => {
    const active = sort.key === column.key;
    return (
      <th
        class={`col-${column.key}`}
        scope="col"
        key={column.key}
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          class="sort"
          onClick={() =>
            setSort({ key: column.key, descending: active ? !sort.descending : column.key === 'size' })
          }
        >
          {column.label}
          <span aria-hidden="true">{active ? (sort.descending ? ' ▾' : ' ▴') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <section>
      <PageTitle title="Volumes">Volumes</PageTitle>
      <ErrorNote error={error} />
      <div class="toolbar" role="search">
        <label>
          Search
          <input
            type="search"
            name="search"
            placeholder="name, project or container"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="all">all</option>
            <option value="in-use">in use</option>
            <option value="idle">stopped users</option>
            <option value="dangling">dangling</option>
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="all">all</option>
            <option value="named">named</option>
            <option value="anonymous">anonymous</option>
          </select>
        </label>
        <p class="count" aria-live="polite">
          {volumes ? `${rows.length} of ${volumes.length} volumes` : ''}
          {volumes && !sized ? ' · measuring sizes…' : ''}
        </p>
      </div>
      {!volumes && !error && <Loading what="volumes" />}
      {volumes && (
        <div class="columns">
          <div class="table-wrap">
            <table class="volumes" data-testid="volumes-table">
              <caption class="sr-only">Volumes, sorted by {sort.key}</caption>
              <thead>
                <tr>{COLUMNS.map(header)}</tr>
              </thead>
              <tbody>
                {rows.map((v) => {
                  const a = activity.get(v.name);
                  return (
                    <tr key={v.name}>
                      <th scope="row" class="name">
                        <a href={volumePath(v.name)} title={v.name}>
                          {shortName(v.name)}
                        </a>
                        {v.anonymous && <span class="badge tone-muted">anonymous</span>}
                        {v.protected && <span class="badge tone-ok">protected</span>}
                      </th>
                      <td class="col-driver">{v.driver}</td>
                      <td class="num">{sized ? formatBytes(v.sizeBytes) : '…'}</td>
                      <td class="col-containers">
                        {v.containers.length === 0
                          ? '—'
                          : v.containers.map((c) => `${c.name}${c.readOnly ? ' (ro)' : ''}`).join(', ')}
                      </td>
                      <td>
                        <StatusBadge status={v.status} />
                      </td>
                      <td title={formatDate(a?.lastBackupAt)}>
                        {a ? (a.lastBackupAt ? relative(a.lastBackupAt) : 'never') : '…'}
                        {a?.lastBackupVerify === 'ok' && ' ✓'}
                      </td>
                      <td class="col-lastUsed" title={formatDate(a?.lastUsedAt)}>
                        {v.status === 'in-use'
                          ? 'now'
                          : a
                            ? a.lastUsedAt
                              ? relative(a.lastUsedAt)
                              : 'unknown'
                            : '…'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {rows.length === 0 && <p>No volume matches.</p>}
          </div>
          <aside class="panel">
            <h2>Largest volumes</h2>
            {sized ? (
              <Chart
                option={largest}
                height={360}
                label={`Bar chart of the largest volumes: ${[...largest.series[0]!.data]
                  .reverse()
                  .slice(0, 5)
                  .map((d) => `${d.name} ${formatBytes(d.value)}`)
                  .join(', ')}`}
                onClick={(p) => p.data && navigate(volumePath((p.data as { name: string }).name))}
                testId="largest-chart"
              />
            ) : (
              <Loading what="sizes" />
            )}
            <p class="legend">
              Status: <strong>{statusText('in-use')}</strong> (a running container),{' '}
              <strong>{statusText('idle')}</strong> (containers, none running),{' '}
              <strong>{statusText('dangling')}</strong> (no container).
            </p>
          </aside>
        </div>
      )}
    </section>
  );
}
