/**
 * A quota's usage over time as a uPlot line, with its limit as a dashed horizontal line and, when
 * the history came with a forecast, the forecast after it: its mean dashed, its 90% interval a
 * shaded band, and a marker where the band's top first reaches the limit. uPlot draws on a canvas
 * and styles its elements through element.style, which the server's CSP (style-src 'self')
 * allows; its stylesheet is bundled with the app's, and its colours come from the theme's custom
 * properties.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { ForecastJson, HistoryResponse } from '../api';
import { formatNumber } from '../format';

const HEIGHT = 260;

/** The 90% interval's series: after x (0), usage (1) and the forecast's mean (2); the limit is last. */
const UPPER = 3;
const LOWER = 4;

type OkForecast = Extract<ForecastJson, { status: 'ok' }>;

/** A colour from the theme's custom properties, so the chart follows light and dark. */
function themeColour(element: Element, name: string, fallback: string): string {
  const value = getComputedStyle(element).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** uPlot's time scale is in seconds since the epoch. */
function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

function okForecast(history: HistoryResponse): OkForecast | null {
  return history.forecast?.status === 'ok' ? history.forecast : null;
}

/** What the series hold at one time. */
interface Row {
  usage?: number;
  mean?: number;
  upper?: number;
  lower?: number;
}

/**
 * The columns uPlot draws: every time anything has a value at, ascending, and each series' value
 * there (null where it has none). The limit has a value at every time, so it spans the window
 * and the forecast; its ends are the window's start and the later of its end and the horizon.
 */
function chartData(
  history: HistoryResponse,
  forecast: OkForecast | null,
  span: TimeWindow,
): uPlot.AlignedData {
  const rows = new Map<number, Row>([
    [span.from, {}],
    [span.to, {}],
  ]);
  const rowAt = (iso: string): Row => {
    const x = epochSeconds(iso);
    const row = rows.get(x) ?? {};
    rows.set(x, row);
    return row;
  };
  for (const point of history.points) rowAt(point.at).usage = point.value;
  for (const { at, mean, upper, lower } of forecast?.path ?? []) {
    Object.assign(rowAt(at), { mean, upper, lower });
  }
  const xs = [...rows.keys()].sort((a, b) => a - b);
  const column = (key: keyof Row) => xs.map((x) => rows.get(x)?.[key] ?? null);
  const columns = [column('usage')];
  if (forecast !== null) columns.push(column('mean'), column('upper'), column('lower'));
  const { limit } = history;
  if (limit !== null) columns.push(xs.map(() => limit));
  return [xs, ...columns];
}

/** A vertical line at the exhaustion time, labelled, drawn over the plot once uPlot has drawn it. */
function exhaustionMarker(at: number, colour: string, font: string): (plot: uPlot) => void {
  return (plot) => {
    const { ctx, bbox } = plot;
    const x = Math.round(plot.valToPos(at, 'x', true));
    if (x < bbox.left || x > bbox.left + bbox.width) return;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = uPlot.pxRatio;
    ctx.setLineDash([3 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.font = font;
    ctx.textBaseline = 'top';
    // Left of the line when there is no room right of it.
    const label = 'may reach limit';
    const gap = 4 * uPlot.pxRatio;
    const right = x + gap + ctx.measureText(label).width <= bbox.left + bbox.width;
    ctx.textAlign = right ? 'left' : 'right';
    ctx.fillText(label, right ? x + gap : x - gap, bbox.top + gap);
    ctx.restore();
  };
}

function options(
  history: HistoryResponse,
  forecast: OkForecast | null,
  element: HTMLElement,
  width: number,
  range: TimeWindow,
): uPlot.Options {
  const text = themeColour(element, '--text-muted', '#6b7280');
  const grid = themeColour(element, '--border', '#e5e7eb');
  const accent = themeColour(element, '--accent', '#2563eb');
  const fill = themeColour(element, '--chart-fill', 'rgba(37, 99, 235, 0.12)');
  const band = themeColour(element, '--chart-band', 'rgba(37, 99, 235, 0.18)');
  const critical = themeColour(element, '--critical', '#dc2626');
  const font = `${Math.round(11 * uPlot.pxRatio)}px ${themeColour(element, '--font', 'system-ui, sans-serif')}`;
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
  if (forecast !== null) {
    // Hourly points with nothing between them; spanning gaps only bridges another series' times.
    const path = { value, spanGaps: true, points: { show: false } };
    series.push(
      { ...path, label: 'Forecast', stroke: accent, width: 2, dash: [3, 4] },
      { ...path, label: 'Forecast 90% high', stroke: band, width: 1 },
      { ...path, label: 'Forecast 90% low', stroke: band, width: 1 },
    );
  }
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
  const exhaustion = forecast?.exhaustion ?? null;
  return {
    width,
    height: HEIGHT,
    series,
    // The 90% interval: shaded between its top and its bottom.
    bands: forecast === null ? [] : [{ series: [UPPER, LOWER], fill: band }],
    cursor: { drag: { x: false, y: false } },
    scales: {
      // The whole range asked for (and the forecast's), so a few samples sit where they were taken in it.
      x: { time: true, range: () => [range.from, range.to] },
      // From zero, and with room above the highest of the peak, the interval and the limit.
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
    hooks: exhaustion === null ? {} : { draw: [exhaustionMarker(epochSeconds(exhaustion), critical, font)] },
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
    const forecast = okForecast(history);
    const to = Math.max(Date.now() / 1000, ...history.points.map((point) => epochSeconds(point.at)));
    const span = { from: to - seconds, to };
    // The forecast reaches the horizon; the history's window ends now.
    const end = Math.max(to, ...(forecast?.path ?? []).map((point) => epochSeconds(point.at)));
    const plot = new uPlot(
      options(history, forecast, element, element.clientWidth, { from: span.from, to: end }),
      chartData(history, forecast, span),
      element,
    );
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
    <div
      ref={container}
      className="usage-chart"
      data-testid="usage-chart"
      data-forecast={history.forecast?.status ?? 'none'}
      data-exhaustion={okForecast(history)?.exhaustion ?? undefined}
      role="img"
      aria-label={label}
    />
  );
}
