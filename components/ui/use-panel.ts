'use client';

import { useCallback, useState } from 'react';

import { useVisibleInterval } from './use-visible-interval';
import type { PanelResult } from '@/lib/panels/panel';

/**
 * A panel that keeps itself current: it asks /api/panels/<name> every `intervalMs` while the tab is
 * visible, so a panel whose backend failed recovers on its own, without a reload, when the backend returns.
 */
export function usePanel<T>(name: string, initial: PanelResult<T>, intervalMs = 10_000): PanelResult<T> {
  const [result, setResult] = useState(initial);
  const refresh = useCallback(async () => {
    try {
      const response = await fetch(`/api/panels/${name}`, { cache: 'no-store' });
      if (response.status === 401) return window.location.reload();
      if (response.ok) setResult((await response.json()) as PanelResult<T>);
    } catch {
      // The dashboard itself is unreachable (tunnel closed); keep what is shown and try again.
    }
  }, [name]);
  useVisibleInterval(refresh, intervalMs);
  return result;
}
