'use client';

import { useTranslations } from 'next-intl';

import { FailedRender } from '@/components/ui/failed-render';

/** A page that failed to render, below the root layout: the digest and a retry only. */
export default function PageError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const t = useTranslations('common.failed');
  return <FailedRender title={t('pageTitle')} digest={error.digest} retry={retry} testId="page-error" />;
}
