import type { Schemas } from '../api/api-client';
import { formatNumber, formatUsd } from './format';

/** Requests, tokens and cost per model, with a total row when `withTotal` (a usage answer grouped by model). */
export function UsageByModelTable({ usage, label, withTotal = false }: { usage: Schemas['Usage']; label: string; withTotal?: boolean }) {
  const cells = (row: Schemas['UsageTotals']) => (
    <>
      <td className="number">{formatNumber(row.interceptions)}</td>
      <td className="number">{formatNumber(row.inputTokens)}</td>
      <td className="number">{formatNumber(row.outputTokens)}</td>
      <td className="number">{formatUsd(row.costUsd)}</td>
    </>
  );
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="number">
              Requests
            </th>
            <th scope="col" className="number">
              Input tokens
            </th>
            <th scope="col" className="number">
              Output tokens
            </th>
            <th scope="col" className="number">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {usage.rows.map((row) => (
            <tr key={row.key}>
              <td>{row.key}</td>
              {cells(row)}
            </tr>
          ))}
        </tbody>
        {withTotal && (
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              {cells(usage.totals)}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
