/** Page controls under a table, with the range shown ("1–50 of 4,395"). */
import { formatNumber } from '../format';

export interface PaginationProps {
  readonly label: string;
  readonly pageIndex: number;
  readonly pageSize: number;
  readonly total: number;
  readonly onPage: (pageIndex: number) => void;
}

export function Pagination({ label, pageIndex, pageSize, total, onPage }: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  // The table resets to the first page when its rows change; clamp in case it has not yet.
  const page = Math.min(pageIndex, pages - 1);
  const first = total === 0 ? 0 : page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  if (total === 0) return null;
  return (
    <nav className="pagination" aria-label={`${label}: pages`}>
      <span className="pagination-range" aria-live="polite">
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      {pages === 1 ? null : (
        <span className="pagination-buttons">
          <button
            type="button"
            className="button button-small"
            disabled={page === 0}
            onClick={() => {
              onPage(0);
            }}
          >
            First
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={page === 0}
            onClick={() => {
              onPage(page - 1);
            }}
          >
            Previous
          </button>
          <span className="pagination-page">
            Page {formatNumber(page + 1)} of {formatNumber(pages)}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={page >= pages - 1}
            onClick={() => {
              onPage(page + 1);
            }}
          >
            Next
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={page >= pages - 1}
            onClick={() => {
              onPage(pages - 1);
            }}
          >
            Last
          </button>
        </span>
      )}
    </nav>
  );
}
