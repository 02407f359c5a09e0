import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('common.notFound');
  return { title: t('metaTitle') };
}

/** Any path the dashboard does not have (and any page that calls notFound()), with a 404 status. */
export default async function NotFound() {
  const t = await getTranslations('common.notFound');
  return (
    <section className="panel" data-testid="not-found">
      <div className="panel-head">
        <h1>{t('title')}</h1>
      </div>
      <p className="muted">{t('body')}</p>
      <p>
        <Link href="/" data-testid="not-found-home">
          {t('home')}
        </Link>
      </p>
    </section>
  );
}
