import { headlinePanel } from '@/lib/panels/metrics';

import { Headline } from './headline';

/** The headline as its own streamed part of the home page: a slow InfluxDB never holds up the containers. */
export async function HeadlineSection() {
  return <Headline initial={await headlinePanel()} />;
}

export function HeadlineLoading() {
  return (
    <section className="panel headline" aria-busy="true" data-testid="headline-loading">
      <header className="panel-head">
        <h2>Memory and CPU</h2>
        <span className="source-line">Loading…</span>
      </header>
    </section>
  );
}
