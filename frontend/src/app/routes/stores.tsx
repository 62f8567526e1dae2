import { PageTitle } from '@/components/ui/page-title';
import { StoreLocator } from '@/features/stores/components/store-locator';

export function StoresPage() {
  return (
    <div>
      <PageTitle>Find a store</PageTitle>
      <StoreLocator />
    </div>
  );
}
