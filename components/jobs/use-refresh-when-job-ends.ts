'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';

import type { JobView } from '@/lib/jobs/types';

/**
 * Re-reads the page's server data once a job this page saw running has ended, so that what the job changed (a
 * new backup, a fixed folder) shows without a reload. A job that had already ended when the page loaded does not
 * refresh it again.
 */
export function useRefreshWhenJobEnds(job: JobView | undefined): void {
  const router = useRouter();
  const watched = useRef(job?.status === 'running' ? job.id : undefined);
  useEffect(() => {
    if (job?.status === 'running') watched.current = job.id;
    else if (job && watched.current === job.id) {
      watched.current = undefined;
      router.refresh();
    }
  }, [job, router]);
}
