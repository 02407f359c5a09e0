import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { JobProgress } from '@/components/jobs/job-progress';
import type { JobView } from '@/lib/jobs/types';
import { withIntl } from '../../support/intl';

const AT = '2026-12-03T18:07:38.184Z';

function failedJob(error: JobView['error']): JobView {
  return {
    id: 'job1',
    kind: 'container.restarted',
    target: 'mdtest-streaming-1',
    auditId: 7,
    status: 'failed',
    steps: [{ at: AT, step: 'mdtest-streaming-1: died after the restart (exit code 137, OOMKilled)' }],
    ...(error ? { error } : {}),
    startedAt: AT,
    finishedAt: AT,
  };
}

describe('JobProgress: a failed restart', () => {
  it("shows the error, the fix and the container's last log lines, escaped", () => {
    const html = renderToStaticMarkup(
      withIntl(
        createElement(JobProgress, {
          job: failedJob({
            code: 'upstream_failed',
            title: 'mdtest-streaming-1 died after the restart',
            detail: 'It started, then stopped with exit code 137; OOMKilled: yes.',
            fix: 'Docker killed it for lack of memory: raise its memory limit.',
            logLines: ['booting <streaming>', 'DB_PASS=[redacted]'],
          }),
        }),
      ),
    );
    expect(html).toContain(
      '<strong>mdtest-streaming-1 died after the restart:</strong> It started, then stopped with' +
        ' exit code 137; OOMKilled: yes.',
    );
    expect(html).toContain('raise its memory limit');
    expect(html).toMatch(
      /<pre class="job-log" data-testid="job-log" tabindex="0">booting &lt;streaming&gt;\nDB_PASS=\[redacted\]<\/pre>/,
    );
  });

  it('shows no log block when the failure has no lines', () => {
    const html = renderToStaticMarkup(
      withIntl(
        createElement(JobProgress, {
          job: failedJob({
            code: 'timeout',
            title: 'Restart did not finish',
            detail: 'Waited 90 s for mdtest-streaming-1 to run again.',
          }),
        }),
      ),
    );
    expect(html).toContain('Restart did not finish');
    expect(html).not.toContain('job-log');
  });

  it('speaks German: the status, the audit number and a step Text', () => {
    const job: JobView = {
      ...failedJob(undefined),
      steps: [
        {
          at: AT,
          step: { key: 'containers.steps.line', values: { name: 'web', state: { key: 'containers.steps.stopping' } } },
        },
      ],
    };
    const html = renderToStaticMarkup(withIntl(createElement(JobProgress, { job }), 'de'));
    expect(html).toContain('Fehlgeschlagen');
    expect(html).toContain('Protokoll #7');
    expect(html).toContain('web: wird gestoppt');
  });
});
