'use client';

import { useEffect, useState } from 'react';

import type { LiveSample, MetricsLiveMessage } from '@/lib/metrics/live-types';

/**
 * The live Docker-stats window over the event stream (?topic=metrics). Subscribing is what keeps the
 * server's sampler running; closing the stream lets it stop.
 */
export function useLiveSamples(enabled: boolean): { samples: LiveSample[]; windowMs: number | undefined } {
  const [state, setState] = useState<{ samples: LiveSample[]; windowMs: number | undefined }>({ samples: [], windowMs: undefined });
  useEffect(() => {
    if (!enabled) return undefined;
    const source = new EventSource('/api/live?topic=metrics');
    source.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as MetricsLiveMessage;
      if (message.type === 'window') {
        setState({ samples: message.samples, windowMs: message.windowMs });
      } else {
        setState((previous) => {
          const horizon = message.sample.atMs - (previous.windowMs ?? 15 * 60_000);
          return { ...previous, samples: [...previous.samples.filter((s) => s.atMs > horizon && s.atMs < message.sample.atMs), message.sample] };
        });
      }
    };
    return () => source.close();
  }, [enabled]);
  return state;
}
