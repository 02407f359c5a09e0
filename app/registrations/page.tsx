import { getTranslations } from 'next-intl/server';

import { RegistrationsPanel } from '@/components/registrations/registrations-form';
import { requireSession } from '@/lib/auth/guard';
import { readRegistrationSettings } from '@/lib/mastodon/registrations';

export const dynamic = 'force-dynamic';

export default async function RegistrationsPage() {
  await requireSession();
  const [report, t] = await Promise.all([readRegistrationSettings(), getTranslations('registrations.page')]);
  return (
    <section className="panel registrations" aria-labelledby="registrations-title">
      <h1 id="registrations-title" data-testid="registrations-title">
        {t('title')}
      </h1>
      <p className="muted small">{t('intro')}</p>
      <RegistrationsPanel initial={report} />
    </section>
  );
}
