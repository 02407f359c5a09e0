import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found · Mastodash' };

/** Any path the dashboard does not have (and any page that calls notFound()), with a 404 status. */
export default function NotFound() {
  return (
    <section className="panel" data-testid="not-found">
      <div className="panel-head">
        <h1>Page not found</h1>
      </div>
      <p className="muted">There is no page at this address in the dashboard.</p>
      <p>
        <Link href="/" data-testid="not-found-home">
          Back to the containers
        </Link>
      </p>
    </section>
  );
}
