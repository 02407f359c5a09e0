'use client';

import { useState } from 'react';

import type { JobView, JobsMessage } from '@/lib/jobs/types';
import { useLiveTopic } from '@/components/live/use-live-topic';

/**
 * Jobs as the server last reported them, kept current over the event stream's jobs topic (which starts
 * with the recent jobs).
 */
export function useJobs(initial: JobView[]): Map<string, JobView> {
  const [jobs, setJobs] = useState(() => new Map(initial.map((job) => [job.id, job])));
  useLiveTopic<JobsMessage>('jobs', (message) =>
    setJobs((previous) => new Map(previous).set(message.job.id, message.job)),
  );
  return jobs;
}
