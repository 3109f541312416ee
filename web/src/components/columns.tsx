/**
 * The columns more than one table shows, each built in one place so a quota's service, name,
 * usage or utilization reads and sorts the same on every page. Each factory takes how to read its
 * value from a row, or asks the row for the fields it reads.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { Link } from 'wouter';
import { formatNumber } from '../format';
import { targetPath } from '../links';
import { Age } from './age';
import { Truncated } from './truncated';
import { UtilizationBar } from './utilization-bar';

/** A target's key as a link to its page. */
export function targetLinkColumn<T>(key: (row: T) => string): ColumnDef<T> {
  return {
    id: 'target',
    header: 'Target',
    accessorFn: key,
    cell: ({ row }) => (
      <Link href={targetPath(key(row.original))} className="mono">
        {key(row.original)}
      </Link>
    ),
  };
}

export interface TextColumnOptions {
  /** A class on the column's cells, e.g. a width. */
  readonly className?: string;
  /** A class on the text itself. */
  readonly textClassName?: string;
}

/** Text cut to the column's width; no value shows as an em dash and sorts last. */
export function textColumn<T>(
  id: string,
  header: string,
  text: (row: T) => string | null,
  options: TextColumnOptions = {},
): ColumnDef<T> {
  return {
    id,
    header,
    accessorFn: (row) => text(row) ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <Truncated text={text(row.original) ?? '—'} className={options.textClassName} />,
    ...(options.className === undefined ? {} : { meta: { className: options.className } }),
  };
}

/** A quota's name, cut to `className`'s width. */
export function quotaNameColumn<T extends { quotaName: string }>(className = 'col-name'): ColumnDef<T> {
  return textColumn('name', 'Name', (row) => row.quotaName, { className });
}

/** A count or a limit, right-aligned; no value (unlimited or unknown) sorts last. */
export function numberColumn<T>(id: string, header: string, value: (row: T) => number | null): ColumnDef<T> {
  return {
    id,
    header,
    accessorFn: (row) => value(row) ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => formatNumber(value(row.original)),
    meta: { numeric: true },
  };
}

/** A time as its age; never read sorts last. */
export function ageColumn<T>(id: string, header: string, at: (row: T) => string | null): ColumnDef<T> {
  return {
    id,
    header,
    accessorFn: (row) => at(row) ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <Age at={at(row.original)} />,
  };
}

/** The service's code, with its name on hover. */
export function serviceColumn<T extends { serviceCode: string; serviceName: string }>(): ColumnDef<T> {
  return {
    id: 'service',
    header: 'Service',
    accessorFn: (row) => row.serviceCode,
    cell: ({ row }) => <span title={row.original.serviceName}>{row.original.serviceCode}</span>,
  };
}

/** A quota's usage, with where it came from (`title`) on hover. */
export function usageColumn<T extends { usage: number | null }>(
  title: (row: T) => string | undefined,
): ColumnDef<T> {
  return {
    id: 'usage',
    header: 'Usage',
    accessorFn: (row) => row.usage ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <span title={title(row.original)}>{formatNumber(row.original.usage)}</span>,
    meta: { numeric: true },
  };
}

/** Usage over limit as a percent and a bar. */
export function utilizationColumn<T extends { utilization: number | null }>(): ColumnDef<T> {
  return {
    id: 'utilization',
    header: 'Utilization',
    accessorFn: (row) => row.utilization ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <UtilizationBar ratio={row.original.utilization} />,
    meta: { className: 'col-utilization' },
  };
}

/** Whether AWS lets the quota be raised; "yes" sorts after "no". */
export function adjustableColumn<T extends { adjustable: boolean }>(): ColumnDef<T> {
  return {
    id: 'adjustable',
    header: 'Adjustable',
    accessorFn: (row) => (row.adjustable ? 1 : 0),
    cell: ({ row }) => (row.original.adjustable ? 'yes' : <span className="muted">no</span>),
  };
}
