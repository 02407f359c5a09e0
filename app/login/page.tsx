import { getTranslations } from 'next-intl/server';
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
  const t = await getTranslations('auth');
  return (
    <section className="panel login-panel" aria-labelledby="login-title">
      <h1 id="login-title">{t('title')}</h1>
      {token ? <LoginLinkForm token={token} /> : <LoginForm next={nextPathSchema.parse(params.next ?? '/')} />}
      <p className="muted small">{t.rich('help', { code: (chunks) => <code>{chunks}</code> })}</p>
    </section>
  );
}
