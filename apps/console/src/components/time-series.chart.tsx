import { useId } from 'react';
import { formatTime } from './format';

export interface SeriesPoint {
  start: string;
  value: number;
}

interface ChartProps {
  title: string;
  points: SeriesPoint[];
  format: (value: number) => string;
  /** What one bar counts, e.g. "per minute". */
  unit: string;
  /** The whole range in words; default: the sum of the bars. */
  overall?: string;
}

const WIDTH = 600;
const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 24, left: 72 };

/** A bar chart in plain SVG, described for screen readers, with its numbers one click away as a table. */
export function TimeSeriesChart({ title, points, format, unit, overall }: ChartProps) {
  const id = useId();
  const max = Math.max(0, ...points.map((point) => point.value));
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const peak = points.find((point) => point.value === max);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const barWidth = points.length > 0 ? plotWidth / points.length : plotWidth;
  const y = (value: number) => PAD.top + plotHeight - (max > 0 ? (value / max) * plotHeight : 0);
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const summary =
    max === 0 ? `${title}: nothing recorded in this range.` : `${title} ${unit}: peak ${format(max)} at ${formatTime(peak!.start)} UTC, ${points.length} bars.`;

  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>
        <span className="chart-title">{title}</span> <span className="chart-unit">{unit}</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top} y2={PAD.top} className="chart-grid" />
        <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" className="chart-label">
          {format(max)}
        </text>
        <text x={PAD.left - 6} y={y(0)} textAnchor="end" className="chart-label">
          0
        </text>
        {points.map((point, index) => (
          <rect
            key={point.start}
            x={PAD.left + index * barWidth + barWidth * 0.1}
            y={y(point.value)}
            width={Math.max(1, barWidth * 0.8)}
            height={y(0) - y(point.value)}
            className="chart-bar"
          >
            <title>{`${formatTime(point.start)} UTC: ${format(point.value)}`}</title>
          </rect>
        ))}
        {points.map((point, index) =>
          index % labelEvery === 0 ? (
            <text key={`label-${point.start}`} x={PAD.left + index * barWidth} y={HEIGHT - 6} className="chart-label">
              {formatTime(point.start)}
            </text>
          ) : null,
        )}
      </svg>
      <p id={`${id}-summary`} className="chart-summary">
        {summary} {overall ?? `Total ${format(total)}.`}
      </p>
      <details>
        <summary>Show the numbers</summary>
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`${title}, as a table`}>
          <table>
            <thead>
              <tr>
                <th scope="col">From (UTC)</th>
                <th scope="col">{title}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((point) => (
                <tr key={point.start}>
                  <td>{formatTime(point.start)}</td>
                  <td>{format(point.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
