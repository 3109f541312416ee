/** Usage over limit as a percent and a bar: green below 80%, amber from 80%, red from 95%. */
import { formatPercent, levelOf } from '../format';

export function UtilizationBar({ ratio }: { ratio: number | null | undefined }) {
  if (ratio === null || ratio === undefined) {
    return (
      <span className="muted" title="no usage value">
        —
      </span>
    );
  }
  const level = levelOf(ratio);
  return (
    <span className={`utilization utilization-${level}`}>
      {/* The percent is the text; the bar repeats it for the eye only. */}
      <span className="utilization-track" aria-hidden="true">
        <span className="utilization-fill" style={{ width: `${Math.min(ratio, 1) * 100}%` }} />
      </span>
      <span className="utilization-text">{formatPercent(ratio)}</span>
    </span>
  );
}
