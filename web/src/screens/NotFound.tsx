/** An address the app does not know. */
import { useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';

export function NotFound() {
  useTitle('Not found');
  return (
    <section>
      <h1>Nothing here</h1>
      <p>
        This address is not a Crosslink screen. Go to <Link to="/">your work queue</Link> or <Link to="/search">search</Link>.
      </p>
    </section>
  );
}
