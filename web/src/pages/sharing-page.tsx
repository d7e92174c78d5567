/**
 * The sharing graph: containers and the volumes they mount (ECharts graph series). A volume shared by
 * several containers stands out by size; one written by more than one container is red (risky rw sharing);
 * read-only mounts are dashed. The table below says the same in words.
 */
import { useMemo } from 'preact/hooks';
import { Badge, ErrorNote, Loading, PageTitle } from '../components/bits.tsx';
import { Chart } from '../components/chart.tsx';
import { useApi } from '../components/use-api.ts';
import { shortName } from '../format.ts';
import { navigate, volumePath } from '../router.ts';
import type { MountRow } from '../types.ts';

interface SharedVolume {
  volume: string;
  users: MountRow[];
  writers: string[];
}

export function SharingPage() {
  const mounts = useApi<MountRow[]>('/api/mounts');
  const volumeMounts = useMemo(() => (mounts.data ?? []).filter((m) => m.type === 'volume'), [mounts.data]);
  const byVolume = useMemo(() => {
    const map = new Map<string, SharedVolume>();
    for (const m of volumeMounts) {
      const entry = map.get(m.source) ?? { volume: m.source, users: [], writers: [] };
      entry.users.push(m);
      if (!m.readOnly && !entry.writers.includes(m.container)) entry.writers.push(m.container);
      map.set(m.source, entry);
    }
    return map;
  }, [volumeMounts]);
  const shared = [...byVolume.values()].filter((v) => new Set(v.users.map((u) => u.container)).size > 1);

  const option = useMemo(() => {
    const containers = [...new Map(volumeMounts.map((m) => [m.container, m])).values()];
    const nodes = [
      ...containers.map((c) => ({
        id: `c:${c.container}`,
        name: c.container,
        category: c.running ? 0 : 1,
        symbol: 'roundRect',
        symbolSize: [Math.max(60, c.container.length * 7), 26],
        label: { show: true },
      })),
      ...[...byVolume.values()].map((v) => ({
        id: `v:${v.volume}`,
        name: v.volume,
        category: v.writers.length > 1 ? 3 : 2,
        symbolSize: 22 + 8 * Math.min(v.users.length, 5),
        label: { show: true, position: 'bottom', formatter: shortName(v.volume), color: 'inherit' },
      })),
    ];
    const links = volumeMounts.map((m) => {
      const risky = !m.readOnly && (byVolume.get(m.source)?.writers.length ?? 0) > 1;
      return {
        source: `c:${m.container}`,
        target: `v:${m.source}`,
        value: m.readOnly ? 'ro' : 'rw',
        label: { show: true, formatter: m.readOnly ? 'ro' : 'rw', fontSize: 10 },
        lineStyle: {
          type: m.readOnly ? 'dashed' : 'solid',
          width: risky ? 3 : 1.5,
          color: risky ? '#c0392b' : '#7f8c8d',
        },
      };
    });
    return {
      tooltip: {
        formatter: (p: { dataType: string; name: string; data: { value?: string } }) =>
          p.dataType === 'edge' ? p.data.value : p.name,
      },
      legend: {
        data: ['running container', 'stopped container', 'volume', 'volume with several writers'],
        bottom: 0,
      },
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          force: { repulsion: 260, edgeLength: [70, 140], gravity: 0.08 },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 7,
          categories: [
            { name: 'running container', itemStyle: { color: '#2f6fad' } },
            { name: 'stopped container', itemStyle: { color: '#95a5a6' } },
            { name: 'volume', itemStyle: { color: '#27ae60' } },
            { name: 'volume with several writers', itemStyle: { color: '#c0392b' } },
          ],
          data: nodes,
          links,
        },
      ],
    };
  }, [volumeMounts, byVolume]);

  return (
    <section>
      <PageTitle title="Sharing">Sharing graph</PageTitle>
      <p class="lead">
        Who mounts what. Arrows go from a container to a volume; dashed is read-only. A red volume is written
        by more than one container: make all but one of them read-only if they do not coordinate.
      </p>
      <ErrorNote error={mounts.error} />
      {!mounts.data && !mounts.error && <Loading what="mounts" />}
      {mounts.data && volumeMounts.length === 0 && <p>No container mounts a volume.</p>}
      {volumeMounts.length > 0 && (
        <div class="panel">
          <Chart
            option={option}
            height={520}
            label={`Graph of ${byVolume.size} volumes and the containers that mount them; ${shared.length} shared`}
            onClick={(p) =>
              p.dataType === 'node' && p.name && byVolume.has(p.name) && navigate(volumePath(p.name))
            }
            testId="sharing-graph"
          />
        </div>
      )}
      {mounts.data && (
        <div class="panel">
          <h2>Shared volumes</h2>
          {shared.length === 0 ? (
            <p>No volume is mounted by more than one container.</p>
          ) : (
            <table data-testid="shared-table">
              <thead>
                <tr>
                  <th scope="col">Volume</th>
                  <th scope="col">Containers</th>
                  <th scope="col">Writers</th>
                </tr>
              </thead>
              <tbody>
                {shared.map((v) => (
                  <tr key={v.volume}>
                    <th scope="row">
                      <a href={volumePath(v.volume)}>{shortName(v.volume)}</a>
                    </th>
                    <td>{v.users.map((u) => `${u.container} (${u.readOnly ? 'ro' : 'rw'})`).join(', ')}</td>
                    <td>
                      {v.writers.length > 1 ? (
                        <Badge tone="bad">{v.writers.length} writers</Badge>
                      ) : (
                        <Badge tone="ok">{v.writers.length} writer</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
