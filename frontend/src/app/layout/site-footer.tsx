import { Link } from 'react-router';

export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap gap-4 px-4 py-6 text-sm text-slate-600">
        <span>© Shop</span>
        <Link to="/stores" className="hover:underline">
          Find a store
        </Link>
        <Link to="/orders" className="hover:underline">
          Your orders
        </Link>
      </div>
    </footer>
  );
}
