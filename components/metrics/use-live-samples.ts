'use client';

import { useState } from 'react';

import type { LiveSample, MetricsLiveMessage } from '@/lib/metrics/live-types';
import { useLiveTopic } from '@/components/live/use-live-topic';

/**
 * The live Docker-stats window over the event stream's metrics topic. Listening is what keeps the
 * server's sampler running; when no tab shows it, the sampler stops.
 */
export function useLiveSamples(enabled: boolean): { samples: LiveSample[]; windowMs: number | undefined } {
  const [state, setState] = useState<{ samples: LiveSample[]; windowMs: number | undefined }>({
    samples: [],
    windowMs: undefined,
  });
  useLiveTopic<MetricsLiveMessage>(enabled ? 'metrics' : undefined, (message) => {
    if (message.type === 'window') {
      setState({ samples: message.samples, windowMs: message.windowMs });
    } else {
      setState((previous) => {
        const horizon = message.sample.atMs - (previous.windowMs ?? 15 * 60_000);
        return {
          ...previous,
          samples: [
            ...previous.samples.filter((s) => s.atMs > horizon && s.atMs < message.sample.atMs),
            message.sample,
          ],
        };
      });
    }
  });
  return state;
}
