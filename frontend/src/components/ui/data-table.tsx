import clsx from 'clsx';
import type { ReactNode } from 'react';

export interface Column<Row> {
  /** The column's heading; screen readers only when `hideHeader` (an actions column). */
  header: string;
  hideHeader?: boolean;
  align?: 'left' | 'right';
  /** Extra classes for every cell of the column (`font-mono`, `max-w-xs truncate`). */
  className?: string;
  cell: (row: Row) => ReactNode;
  /** The cell's tooltip, for text the column truncates. */
  title?: (row: Row) => string | undefined;
}

/**
 * `card`: the admin lists (white card, shaded header, padded cells); `lines`: rows of an order;
 * `plain`: a bare table, such as the figures behind a chart.
 */
export type TableVariant = 'card' | 'lines' | 'plain';

const styles: Record<TableVariant, { wrapper?: string; table: string; thead: string; th: string; tbody?: string; td?: string }> = {
  card: {
    wrapper: 'overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200',
    table: 'w-full text-sm',
    thead: 'bg-slate-50 text-left text-slate-700',
    th: 'px-3 py-2 font-medium',
    tbody: 'divide-y divide-slate-100',
    td: 'px-3 py-2',
  },
  lines: {
    table: 'w-full text-sm',
    thead: 'text-left text-slate-600',
    th: 'py-1 font-medium',
    tbody: 'divide-y divide-slate-100',
    td: 'py-2',
  },
  plain: { table: 'w-full', thead: 'text-left', th: '' },
};

/**
 * Every table of rows in the shop: column headings with `scope="col"`, one row per item keyed by
 * `rowKey`, right-aligned figures. `label` names the table for screen readers (and tests);
 * `children` go below the table, inside its card.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  label,
  variant = 'card',
  className,
  rowTestId,
  children,
}: {
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  label?: string;
  variant?: TableVariant;
  className?: string;
  rowTestId?: string;
  children?: ReactNode;
}) {
  const style = styles[variant];
  const alignment = (column: Column<Row>) => (column.align === 'right' ? 'text-right' : undefined);
  const table = (
    <table className={clsx(style.table, className)} aria-label={label}>
      <thead className={style.thead}>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col" className={clsx(style.th, alignment(column)) || undefined}>
              {column.hideHeader ? <span className="sr-only">{column.header}</span> : column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className={style.tbody}>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={rowTestId}>
            {columns.map((column) => (
              <td key={column.header} className={clsx(style.td, alignment(column), column.className) || undefined} title={column.title?.(row)}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (!style.wrapper) {
    return (
      <>
        {table}
        {children}
      </>
    );
  }
  return (
    <div className={style.wrapper}>
      {table}
      {children}
    </div>
  );
}
