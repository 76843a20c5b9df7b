'use client';
/**
 * A client component: it knows nothing of the session cookie (HttpOnly) and asks a route handler
 * (`/api/me`, guarded by `logto.authenticated`) who is signed in.
 */
import { useEffect, useState } from 'react';

type Me = { state: 'loading' } | { state: 'signed-in'; name: string } | { state: 'signed-out' };

export function SignedInUser() {
  const [me, setMe] = useState<Me>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    fetch('/api/me', { headers: { accept: 'application/json' } })
      .then(async (response) => {
        const body = (await response.json()) as { name?: string | null; sub?: string };
        if (live) {
          setMe(
            response.ok
              ? { state: 'signed-in', name: body.name ?? body.sub ?? '' }
              : { state: 'signed-out' },
          );
        }
      })
      .catch(() => live && setMe({ state: 'signed-out' }));
    return () => {
      live = false;
    };
  }, []);
  return (
    <p className="card" data-testid="client-user" data-state={me.state}>
      From a client component, through <code>/api/me</code>:{' '}
      {me.state === 'loading' ? '…' : me.state === 'signed-in' ? me.name : 'not signed in'}
    </p>
  );
}
