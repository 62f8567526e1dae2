import clsx from 'clsx';
import { useState } from 'react';
import { Link, NavLink, useNavigate, useSearchParams } from 'react-router';

import { useSignOut } from '@/features/auth/api/auth-api';
import { useCart } from '@/features/cart/api/cart-api';
import { SearchBox } from '@/features/catalog/components/search-box';
import { selectIsSignedIn, selectRole, useSessionStore } from '@/lib/session-store';

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  clsx('rounded px-2 py-1 text-sm font-medium hover:bg-brand-700', isActive && 'underline underline-offset-4');

export function SiteHeader() {
  const signedIn = useSessionStore(selectIsSignedIn);
  const role = useSessionStore(selectRole);
  const user = useSessionStore((state) => state.user);
  const signOut = useSignOut();
  const navigate = useNavigate();
  const cart = useCart();
  const [params] = useSearchParams();
  const [menuOpen, setMenuOpen] = useState(false);
  const count = cart.data?.item_count ?? 0;

  return (
    <header className="bg-brand-800 text-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-3 px-4 py-3">
        <Link to="/" className="mr-2 text-xl font-bold tracking-tight">
          Shop
        </Link>
        <div className="order-3 w-full sm:order-none sm:w-auto sm:flex-1">
          <SearchBox key={params.get('q') ?? ''} initialQuery={params.get('q') ?? ''} />
        </div>
        <button
          type="button"
          className="ml-auto rounded px-2 py-1 text-sm font-medium ring-1 ring-white/40 sm:hidden"
          aria-expanded={menuOpen}
          aria-controls="main-menu"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <nav
          id="main-menu"
          aria-label="Main"
          className={clsx('w-full items-center gap-1 sm:flex sm:w-auto', menuOpen ? 'flex flex-wrap' : 'hidden')}
          onClick={() => setMenuOpen(false)}
        >
          <NavLink to="/stores" className={navLinkClass}>
            Stores
          </NavLink>
          {signedIn && (
            <NavLink to="/orders" className={navLinkClass}>
              Orders
            </NavLink>
          )}
          {signedIn && (
            <NavLink to="/account" className={navLinkClass}>
              {user ? `Hi, ${user.first_name || 'there'}` : 'Account'}
            </NavLink>
          )}
          {(role === 'admin' || role === 'staff') && (
            <NavLink to="/admin" className={navLinkClass}>
              Admin
            </NavLink>
          )}
          <NavLink to="/cart" className={navLinkClass} aria-label={`Cart, ${count} item${count === 1 ? '' : 's'}`}>
            Cart
            <span className="ml-1 rounded-full bg-white px-1.5 text-xs font-semibold text-brand-800" data-testid="cart-count">
              {count}
            </span>
          </NavLink>
          {signedIn ? (
            <button
              type="button"
              className="rounded px-2 py-1 text-sm font-medium hover:bg-brand-700"
              onClick={() => {
                signOut();
                void navigate('/');
              }}
            >
              Sign out
            </button>
          ) : (
            <NavLink to="/login" className={navLinkClass}>
              Sign in
            </NavLink>
          )}
        </nav>
      </div>
    </header>
  );
}
