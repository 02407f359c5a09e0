'use client';

import { useEffect, useState } from 'react';

import type { JobView, JobsMessage } from '@/lib/jobs/types';

/** Jobs as the server last reported them, kept current over the event stream (?topic=jobs). */
export function useJobs(initial: JobView[]): Map<string, JobView> {
  const [jobs, setJobs] = useState(() => new Map(initial.map((job) => [job.id, job])));
  useEffect(() => {
    const source = new EventSource('/api/live?topic=jobs');
    source.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as JobsMessage;
      setJobs((previous) => new Map(previous).set(message.job.id, message.job));
    };
    return () => source.close();
  }, []);
  return jobs;
}
