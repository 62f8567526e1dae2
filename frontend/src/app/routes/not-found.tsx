import { Link } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';

export function NotFoundPage() {
  return (
    <div className="mx-auto max-w-lg text-center">
      <PageTitle title="Page not found">
        <span className="block w-full text-center">We could not find that page</span>
      </PageTitle>
      <Link to="/" className="font-medium text-brand-700 underline">
        Back to the shop
      </Link>
    </div>
  );
}
