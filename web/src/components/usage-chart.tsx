/**
 * A quota's usage over time as a uPlot line, with its limit as a dashed horizontal line. uPlot
 * draws on a canvas and styles its elements through element.style, which the server's CSP
 * (style-src 'self') allows; its stylesheet is bundled with the app's.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { HistoryResponse } from '../api';
import { formatNumber } from '../format';

const HEIGHT = 260;

/** A colour from the theme's custom properties, so the chart follows light and dark. */
function themeColour(element: Element, name: string, fallback: string): string {
  const value = getComputedStyle(element).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

function options(
  history: HistoryResponse,
  element: HTMLElement,
  width: number,
  span: TimeWindow,
): uPlot.Options {
  const text = themeColour(element, '--text-muted', '#6b7280');
  const grid = themeColour(element, '--border', '#e5e7eb');
  const accent = themeColour(element, '--accent', '#2563eb');
  const fill = themeColour(element, '--chart-fill', 'rgba(37, 99, 235, 0.12)');
  const critical = themeColour(element, '--critical', '#dc2626');
  const value = (_plot: uPlot, raw: number | null) => (raw === null ? '—' : formatNumber(raw));
  const series: uPlot.Series[] = [
    {},
    {
      label: 'Usage',
      stroke: accent,
      width: 2,
      fill,
      value,
      points: { show: history.points.length < 60, size: 7, fill: accent },
    },
  ];
  if (history.limit !== null) {
    series.push({
      label: 'Limit',
      stroke: critical,
      width: 1.5,
      dash: [6, 4],
      value,
      points: { show: false },
    });
  }
  return {
    width,
    height: HEIGHT,
    series,
    cursor: { drag: { x: false, y: false } },
    scales: {
      // The whole range asked for, so a few samples sit where they were taken in it.
      x: { time: true, range: () => [span.from, span.to] },
      // From zero, and with room above the higher of the peak and the limit.
      y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
      {
        stroke: text,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        size: 60,
        values: (_plot, splits) => splits.map((split) => formatNumber(split)),
      },
    ],
  };
}

export interface UsageChartProps {
  readonly history: HistoryResponse;
  /** How far back the chart reaches, in seconds (the range asked for). */
  readonly seconds: number;
  readonly label: string;
}

export function UsageChart({ history, seconds, label }: UsageChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const samples = history.points.map((point) => [Date.parse(point.at) / 1000, point.value] as const);
    const to = Math.max(Date.now() / 1000, ...samples.map(([x]) => x));
    const span = { from: to - seconds, to };
    const { limit } = history;
    let data: uPlot.AlignedData;
    if (limit === null) {
      data = [samples.map(([x]) => x), samples.map(([, y]) => y)];
    } else {
      // The limit spans the whole window: its ends are extra x values where usage has no sample.
      const xs = [span.from, ...samples.map(([x]) => x), span.to];
      data = [xs, [null, ...samples.map(([, y]) => y), null], xs.map(() => limit)];
    }
    const plot = new uPlot(options(history, element, element.clientWidth, span), data, element);
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: element.clientWidth, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [history, seconds]);

  return (
    <div ref={container} className="usage-chart" data-testid="usage-chart" role="img" aria-label={label} />
  );
}
