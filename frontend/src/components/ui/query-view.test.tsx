import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { combineQueries, type QueryState } from '@/components/ui/resolve-query';
import { ApiError } from '@/lib/api-client';

function query<T>(state: Partial<QueryState<T>>): QueryState<T> {
  return { isPending: false, isError: false, error: null, data: undefined, refetch: vi.fn(), ...state };
}

const list = (items: string[]) => <ul aria-label="Things">{items.map((item) => <li key={item}>{item}</li>)}</ul>;

describe('QueryView', () => {
  it('announces the loading label while the first answer loads', () => {
    render(<QueryView query={query<string[]>({ isPending: true })} loadingLabel="Loading things…">{list}</QueryView>);
    expect(screen.getByRole('status')).toHaveTextContent('Loading things…');
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it('shows a failure in words with a retry that refetches', async () => {
    const refetch = vi.fn();
    render(
      <QueryView query={query<string[]>({ isError: true, error: new ApiError({ status: 503, message: 'down' }), refetch })}>{list}</QueryView>,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('This part of the shop is taking a break');
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(refetch).toHaveBeenCalledOnce();
  });

  it('lets a page word an expected failure itself', () => {
    render(
      <QueryView
        query={query<string[]>({ isError: true, error: new ApiError({ status: 404, message: 'nope' }) })}
        renderError={(error) => <p role="alert">No such thing ({(error as ApiError).status})</p>}
      >
        {list}
      </QueryView>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('No such thing (404)');
  });

  it('shows the empty state instead of an empty list', () => {
    const { rerender } = render(
      <QueryView query={query({ data: [] as string[] })} isEmpty={(items) => items.length === 0} empty={<EmptyState title="No things yet">Add one.</EmptyState>}>
        {list}
      </QueryView>,
    );
    expect(screen.getByText('No things yet')).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();

    rerender(
      <QueryView query={query({ data: [] as string[] })} isEmpty={(items) => items.length === 0} emptyTitle="Nothing at all">
        {list}
      </QueryView>,
    );
    expect(screen.getByText('Nothing at all')).toBeInTheDocument();
  });

  it('renders the data once it is there', () => {
    render(<QueryView query={query({ data: ['a', 'b'] })} isEmpty={(items) => items.length === 0}>{list}</QueryView>);
    expect(within(screen.getByRole('list', { name: 'Things' })).getAllByRole('listitem')).toHaveLength(2);
  });
});

describe('combineQueries', () => {
  it('loads while any query loads, even when another failed', () => {
    const combined = combineQueries(query<number>({ isError: true, error: new Error('x') }), query<string>({ isPending: true }));
    expect(combined.isPending).toBe(true);
    expect(combined.isError).toBe(false);
  });

  it('reports the first failure and retries that query', () => {
    const first = query<number>({ data: 1 });
    const second = query<string>({ isError: true, error: new Error('second') });
    const third = query<string>({ isError: true, error: new Error('third') });
    const combined = combineQueries(first, second, third);
    expect(combined.isError).toBe(true);
    expect((combined.error as Error).message).toBe('second');
    combined.refetch();
    expect(second.refetch).toHaveBeenCalledOnce();
    expect(third.refetch).not.toHaveBeenCalled();
  });

  it('hands over every answer in order', () => {
    const combined = combineQueries(query({ data: 1 }), query({ data: 'two' }));
    expect(combined.data).toEqual([1, 'two']);
  });
});
