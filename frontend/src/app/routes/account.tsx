import { PageTitle } from '@/components/ui/page-title';
import { QueryView } from '@/components/ui/query-view';
import { AddressBook } from '@/features/addresses/components/address-book';
import { useMe } from '@/features/auth/api/auth-api';
import { ChangePasswordForm, EmailVerificationNotice } from '@/features/auth/components/account-security';
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
          {(user) => (
            <>
              {!user.email_verified && <EmailVerificationNotice email={user.email} />}
              <ProfileForm key={user.id} user={user} />
            </>
          )}
        </QueryView>
      </section>
      <section aria-labelledby="password-heading" className="space-y-4">
        <h2 id="password-heading" className="text-xl font-semibold">
          Password
        </h2>
        <p className="text-sm text-slate-600">Changing it signs you out everywhere; sign in again with the new one.</p>
        <ChangePasswordForm />
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
