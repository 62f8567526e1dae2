import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** Last line of defence: a render error shows words and a way out, never a white page. */
export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // A new deployment can remove an old lazy chunk; a reload fetches the new one.
  const staleChunk = error instanceof Error && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <div role="alert" className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-2xl font-semibold">{notFound ? 'Page not found' : 'Something went wrong'}</h1>
      <p className="mt-3 text-slate-700">
        {staleChunk ? 'The shop was updated while you were browsing.' : 'Sorry, this page could not be shown.'}
      </p>
      <div className="mt-6 flex justify-center gap-4">
        <button type="button" className="font-medium text-brand-700 underline" onClick={() => window.location.reload()}>
          Reload the page
        </button>
        <Link to="/" className="font-medium text-brand-700 underline">
          Back to the shop
        </Link>
      </div>
    </div>
  );
}
