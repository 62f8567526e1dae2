import { useSearchParams } from 'react-router';

import { SelectField } from '@/components/ui/form-field';
import { Pagination } from '@/components/ui/pagination';
import { QueryView } from '@/components/ui/query-view';
import { useAdminReturns } from '@/features/admin/api/admin-aftersale-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { ReturnsTable } from '@/features/admin/components/returns-table';
import { returnStatuses } from '@/lib/api-schemas/identity-commerce';

export function Component() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'requested';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const returns = useAdminReturns(status === 'all' ? '' : status, page);
  return (
    <AdminShell title="Returns">
      <SelectField label="Status" value={status} onChange={(e) => setParams({ status: e.target.value })} containerClassName="w-56">
        <option value="all">All statuses</option>
        {returnStatuses.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </SelectField>
      <QueryView query={returns} loadingLabel="Loading returns…" isEmpty={(data) => data.items.length === 0} emptyTitle="No returns here">
        {(data) => (
          <>
            <ReturnsTable returns={data.items} />
            <Pagination
              page={page}
              pageSize={data.page_size}
              total={data.total}
              onPageChange={(next) => setParams({ status, page: String(next) })}
            />
          </>
        )}
      </QueryView>
    </AdminShell>
  );
}
