import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { DataTable, type Column } from '@/components/ui/data-table';

interface Row {
  id: string;
  name: string;
  count: number;
  note: string;
}

const rows: Row[] = [
  { id: 'r1', name: 'Alpha', count: 3, note: 'a very long note' },
  { id: 'r2', name: 'Beta', count: 12, note: 'short' },
];

const columns: Column<Row>[] = [
  { header: 'Name', cell: (row) => row.name },
  { header: 'Count', align: 'right', cell: (row) => row.count },
  { header: 'Note', className: 'max-w-xs truncate', title: (row) => row.note, cell: (row) => row.note },
  { header: 'Actions', hideHeader: true, cell: (row) => <button type="button">Open {row.name}</button> },
];

describe('DataTable', () => {
  it('is a named table with column headings and one row per item', () => {
    render(<DataTable label="Things" columns={columns} rows={rows} rowKey={(row) => row.id} rowTestId="thing-row" />);
    const table = screen.getByRole('table', { name: 'Things' });
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual(['Name', 'Count', 'Note', 'Actions']);
    for (const header of headers) expect(header).toHaveAttribute('scope', 'col');
    expect(screen.getAllByTestId('thing-row')).toHaveLength(2);
    expect(within(table).getByRole('button', { name: 'Open Beta' })).toBeInTheDocument();
  });

  it('keeps an actions heading for screen readers only, aligns figures and shows truncated text in full on hover', () => {
    render(<DataTable label="Things" columns={columns} rows={rows} rowKey={(row) => row.id} />);
    expect(screen.getByRole('columnheader', { name: 'Actions' }).firstElementChild).toHaveClass('sr-only');
    expect(screen.getByRole('cell', { name: '12' })).toHaveClass('text-right');
    expect(screen.getByRole('cell', { name: 'a very long note' })).toHaveAttribute('title', 'a very long note');
  });

  it('puts notes below the table inside its card', () => {
    const { container } = render(
      <DataTable label="Things" columns={columns} rows={rows} rowKey={(row) => row.id}>
        <p>2 more: see all</p>
      </DataTable>,
    );
    const card = container.firstElementChild;
    expect(card?.tagName).toBe('DIV');
    expect(card?.lastElementChild).toHaveTextContent('2 more: see all');
  });

  it('draws a bare table for figures behind a chart', () => {
    const { container } = render(<DataTable variant="plain" columns={columns} rows={rows} rowKey={(row) => row.id} />);
    expect(container.firstElementChild?.tagName).toBe('TABLE');
  });
});
