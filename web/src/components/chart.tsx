/**
 * An ECharts chart in a figure. ECharts loads on first use (its own chunk), so tables render first.
 * Charts are pictures to a screen reader: `label` describes them and each page shows the same data as a
 * table.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { EChartsType } from 'echarts/core';

export interface ChartProps {
  option: Record<string, unknown>;
  label: string;
  height: number;
  onClick?: (params: { name?: string; data?: unknown; dataType?: string }) => void;
  testId?: string;
}

export function Chart({ option, label, height, onClick, testId }: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import('./echarts.ts').then(({ init }) => {
      if (disposed || !element.current) return;
      const dark = matchMedia('(prefers-color-scheme: dark)').matches;
      chart.current = init(element.current, dark ? 'dark' : undefined, { renderer: 'canvas' });
      chart.current.setOption({ backgroundColor: 'transparent', ...option });
      chart.current.on('click', (params) => click.current?.(params as never));
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(element.current);
      element.current.dataset.ready = 'true';
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [option]);

  return (
    <figure class="chart">
      <div
        ref={element}
        role="img"
        aria-label={label}
        style={{ height: `${height}px` }}
        data-testid={testId}
      />
    </figure>
  );
}
