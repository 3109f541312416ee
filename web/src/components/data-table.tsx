/**
 * The dashboard's table: TanStack Table for sorting and paging, rendered as a plain HTML table
 * (th with scope, sortable headers as buttons with aria-sort) inside a container that scrolls
 * sideways on a narrow screen instead of the page.
 */
import {
  type ColumnDef,
  type RowData,
  type SortingState,
  flexRender,
  getCoreRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { type HTMLAttributes, type ReactNode, useState } from 'react';
import { Pagination } from './pagination';

declare module '@tanstack/react-table' {
  // The parameters must match TanStack's declaration to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
    /** A class on the column's cells, e.g. a width. */
    className?: string;
  }
}

export type RowAttributes = HTMLAttributes<HTMLTableRowElement> &
  Record<`data-${string}`, string | undefined>;

export interface DataTableProps<T> {
  readonly data: T[];
  readonly columns: ColumnDef<T>[];
  /** The table's caption, for screen readers. */
  readonly label: string;
  readonly testId: string;
  readonly rowKey: (row: T) => string;
  readonly rowProps?: (row: T) => RowAttributes;
  /** Rows per page; every row on one page when left out. */
  readonly pageSize?: number;
  readonly initialSorting?: SortingState;
  /** Shown in place of the rows when there are none. */
  readonly empty?: ReactNode;
}

function ariaSort(direction: false | 'asc' | 'desc'): 'ascending' | 'descending' | 'none' {
  if (direction === 'asc') return 'ascending';
  if (direction === 'desc') return 'descending';
  return 'none';
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { data, columns, label, testId, rowKey, rowProps, pageSize, empty } = props;
  const [sorting, setSorting] = useState<SortingState>(props.initialSorting ?? []);
  const [pagination, setPagination] = useState({ pageIndex: 0, pageSize: pageSize ?? 50 });
  const paged = pageSize !== undefined;

  // TanStack Table returns new functions on a stable object; nothing here is memoized by a compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns,
    state: { sorting, pagination },
    onSortingChange: setSorting,
    onPaginationChange: setPagination,
    getRowId: rowKey,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    ...(paged ? { getPaginationRowModel: getPaginationRowModel() } : {}),
  });
  const rows = table.getRowModel().rows;
  const visibleColumns = table.getVisibleLeafColumns().length;

  return (
    <div className="data-table">
      <div className="table-scroll">
        <table data-testid={testId}>
          <caption className="visually-hidden">{label}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  const className = [meta?.numeric === true ? 'numeric' : '', meta?.className ?? '']
                    .join(' ')
                    .trim();
                  const content = header.isPlaceholder
                    ? null
                    : flexRender(header.column.columnDef.header, header.getContext());
                  if (!header.column.getCanSort()) {
                    return (
                      <th key={header.id} scope="col" className={className || undefined}>
                        {content}
                      </th>
                    );
                  }
                  const direction = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={className || undefined}
                      aria-sort={ariaSort(direction)}
                    >
                      <button
                        type="button"
                        className="sort-button"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {content}
                        <span className={`sort-icon sort-${direction || 'none'}`} aria-hidden="true" />
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={visibleColumns} className="table-empty">
                  {empty ?? 'Nothing to show.'}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.id} {...rowProps?.(row.original)}>
                  {row.getVisibleCells().map((cell) => {
                    const meta = cell.column.columnDef.meta;
                    const className = [meta?.numeric === true ? 'numeric' : '', meta?.className ?? '']
                      .join(' ')
                      .trim();
                    return (
                      <td key={cell.id} className={className || undefined}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {paged ? (
        <Pagination
          label={label}
          pageIndex={pagination.pageIndex}
          pageSize={pagination.pageSize}
          total={table.getPrePaginationRowModel().rows.length}
          onPage={(pageIndex) => {
            setPagination((previous) => ({ ...previous, pageIndex }));
          }}
        />
      ) : null}
    </div>
  );
}
