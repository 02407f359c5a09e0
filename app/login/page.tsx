import { redirect } from 'next/navigation';

import { LoginForm, LoginLinkForm } from '@/components/auth/login-form';
import { currentSession } from '@/lib/auth/guard';
import { nextPathSchema } from '@/lib/validations/auth';

export const dynamic = 'force-dynamic';

/** Public by design: the only page served without a session. */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const token = typeof params.token === 'string' ? params.token : undefined;
  if (!token && (await currentSession())) redirect('/');
  return (
    <section className="panel login-panel" aria-labelledby="login-title">
      <h1 id="login-title">Log in to Mastodash</h1>
      {token ? <LoginLinkForm token={token} /> : <LoginForm next={nextPathSchema.parse(params.next ?? '/')} />}
      <p className="muted small">
        Forgot the password? On the server: <code>npm run set-password</code>. Locked out: <code>npm run unlock</code>.
      </p>
    </section>
  );
}
