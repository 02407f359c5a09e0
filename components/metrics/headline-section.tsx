import { useTranslations } from 'next-intl';

import { headlinePanel } from '@/lib/panels/metrics';

import { Headline } from './headline';

/** The headline as its own streamed part of the home page: a slow InfluxDB never holds up the containers. */
export async function HeadlineSection() {
  return <Headline initial={await headlinePanel()} />;
}

export function HeadlineLoading() {
  const t = useTranslations('graphs');
  return (
    <section className="panel headline" aria-busy="true" data-testid="headline-loading">
      <header className="panel-head">
        <h2>{t('title')}</h2>
        <span className="source-line">{t('loading')}</span>
      </header>
    </section>
  );
}
