'use client';

import { FailedRender } from '@/components/ui/failed-render';

/** A page that failed to render, below the root layout: the digest and a retry only. */
export default function PageError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return <FailedRender title="This page could not be shown" digest={error.digest} retry={retry} testId="page-error" />;
}
