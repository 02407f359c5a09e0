import { attentionPanel } from '@/lib/attention/panel';
import { listRecentJobs } from '@/lib/jobs';

import { AttentionPanel } from './attention-panel';

/** The list as its own streamed part of the home page: a slow detector never holds up the rest. */
export async function AttentionSection() {
  return <AttentionPanel initial={await attentionPanel()} initialJobs={listRecentJobs()} />;
}
