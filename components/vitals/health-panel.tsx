'use client';

import { RunningVersionText } from '@/components/mastodon/running-version';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import type { ServiceProbe } from '@/lib/mastodon/health';
import type { HealthPanelData } from '@/lib/panels/health';
import type { PanelResult } from '@/lib/panels/panel';

/** Every migration not yet run, before and after deploy alike. */
function pendingCount(migrations: { pending: readonly unknown[]; postDeployPending: readonly unknown[] }): number {
  return migrations.pending.length + migrations.postDeployPending.length;
}

function Probe({ name, probe, testId }: { name: string; probe: ServiceProbe; testId: string }) {
  return (
    <div data-testid={testId} data-ok={probe.ok} data-source={probe.address.source}>
      <dt>{name}</dt>
      <dd>
        <Badge tone={probe.ok ? 'good' : 'bad'}>{probe.ok ? 'OK' : 'Not answering'}</Badge>{' '}
        {probe.ms !== undefined ? <span className="muted">{`${probe.ms} ms`}</span> : null}
        {probe.problem ? <span className="small muted">{` ${probe.url}: ${probe.problem}`}</span> : null}
        <span className="small muted" data-testid={`${testId}-address`}>
          {` at ${probe.address.baseUrl}: ${probe.address.how}`}
        </span>
        {probe.hint ? (
          <span className="small" data-testid={`${testId}-hint`}>
            {` ${probe.hint}`}
          </span>
        ) : null}
      </dd>
    </div>
  );
}

/** Web and streaming health with response times, the running version and pending migrations. */
export function HealthPanel({ initial }: { initial: PanelResult<HealthPanelData> }) {
  const result = usePanel('health', initial, 15_000);
  return (
    <section className="panel" aria-labelledby="health-title" data-testid="health-panel">
      <header className="panel-head">
        <h2 id="health-title">Mastodon</h2>
      </header>
      {!result.ok ? (
        <ErrorBox error={result.error} testId="health-error" />
      ) : (
        <dl className="facts facts-rows">
          <Probe name="Web" probe={result.data.web} testId="health-web" />
          <Probe name="Streaming" probe={result.data.streaming} testId="health-streaming" />
          <div data-testid="health-version">
            <dt>Version</dt>
            <dd>
              <RunningVersionText running={result.data.version} testId="health-version-value" withPassedOver />
            </dd>
          </div>
          <div data-testid="health-migrations">
            <dt>Migrations</dt>
            <dd>
              {!result.data.migrations.ok ? (
                <span className="muted">
                  {`${result.data.migrations.error.title}: ${result.data.migrations.error.detail}`}
                </span>
              ) : pendingCount(result.data.migrations) === 0 ? (
                <Badge tone="good">Up to date</Badge>
              ) : (
                <>
                  <Badge tone="warn">{`${pendingCount(result.data.migrations)} pending`}</Badge>{' '}
                  <span className="small">
                    {[
                      ...result.data.migrations.pending,
                      ...result.data.migrations.postDeployPending.map((v) => `${v} (post-deploy)`),
                    ]
                      .slice(0, 5)
                      .join(', ')}
                  </span>
                  <span className="small muted">
                    {' Run: docker compose run --rm web bundle exec rails db:migrate'}
                  </span>
                </>
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
