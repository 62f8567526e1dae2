import { PageTitle } from '@/components/ui/page-title';
import { QueryView } from '@/components/ui/query-view';
import { AddressBook } from '@/features/addresses/components/address-book';
import { useMe } from '@/features/auth/api/auth-api';
import { ProfileForm } from '@/features/auth/components/profile-form';

export function AccountPage() {
  const me = useMe();
  return (
    <div className="space-y-10">
      <PageTitle>Your account</PageTitle>
      <section aria-labelledby="profile-heading" className="max-w-xl space-y-4">
        <h2 id="profile-heading" className="text-xl font-semibold">
          Profile
        </h2>
        <QueryView query={me} loadingLabel="Loading your profile…">
          {(user) => <ProfileForm key={user.id} user={user} />}
        </QueryView>
      </section>
      <section aria-labelledby="addresses-heading" className="space-y-4">
        <h2 id="addresses-heading" className="text-xl font-semibold">
          Address book
        </h2>
        <AddressBook />
      </section>
    </div>
  );
}
