import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { auditFinish, auditStart } from '@/lib/audit';
import type { ContainerView } from '@/lib/docker/types';
import { inEnglish } from '@/lib/i18n/english';
import { restartMarkers } from '@/lib/metrics/markers';

import { useTempStore } from '../audit/store';

let store: ReturnType<typeof useTempStore>;
beforeEach(() => {
  store = useTempStore();
});
afterEach(() => store.cleanup());

const container = (service: string, startedAt: string) =>
  ({ name: `p-${service}-1`, id: `${service}0123456789`, service, startedAt }) as ContainerView;

describe('restart markers', () => {
  it('marks dashboard restarts from the audit log, and Docker starts that no dashboard restart explains', () => {
    const before = Date.now();
    const id = auditStart({ actor: 'admin', session: 's', action: 'container.restarted', target: 'p-web-1' });
    auditFinish(id, { outcome: 'succeeded', durationMs: 10 });
    const now = Date.now();
    const window = { fromMs: before - 3_600_000, toMs: now + 60_000 };
    const markers = restartMarkers(window, [
      // Started by that restart, a moment later: not a second marker.
      container('web', new Date(now + 1_000).toISOString()),
      // A restart from the command line ten minutes earlier.
      container('sidekiq', new Date(before - 600_000).toISOString()),
      // Started before the window: no marker.
      container('db', new Date(before - 7_200_000).toISOString()),
    ]);
    expect(markers.map((m) => [m.source, m.service, inEnglish(m.label)])).toEqual([
      ['docker', 'sidekiq', 'p-sidekiq-1 started (Docker)'],
      ['audit', 'web', 'Restarted from the dashboard: p-web-1'],
    ]);
  });

  it('a later Docker start of the same service is a restart of its own', () => {
    const id = auditStart({ actor: 'admin', session: 's', action: 'container.restarted', target: 'p-streaming-1' });
    auditFinish(id, { outcome: 'succeeded', durationMs: 10 });
    const later = Date.now() + 60_000;
    const markers = restartMarkers({ fromMs: Date.now() - 60_000, toMs: later + 1 }, [
      container('streaming', new Date(later).toISOString()),
    ]);
    expect(markers.map((m) => m.source)).toEqual(['audit', 'docker']);
  });
});
