'use client';

import { useCallback, useRef, useState } from 'react';

import { useVisibleInterval } from './use-visible-interval';
import type { PanelResult } from '@/lib/panels/panel';

/** How often a panel showing a failure (of itself or of one of its parts) asks again. */
export const FAILING_PANEL_RETRY_MS = 3_000;

/** True when the result, or any part inside it, is a failed `{ ok: false }` answer. */
export function showsFailure(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 6) return false;
  if (!Array.isArray(value) && (value as { ok?: unknown }).ok === false) return true;
  return Object.values(value).some((child) => showsFailure(child, depth + 1));
}

/**
 * A panel that keeps itself current: it asks /api/panels/<name> every `intervalMs` while the tab is
 * visible, and every FAILING_PANEL_RETRY_MS while it shows a failure, so a panel whose backend failed
 * recovers on its own within seconds of the backend's return, without a reload.
 */
export function usePanel<T>(
  name: string,
  initial: PanelResult<T>,
  intervalMs = 10_000,
  isFailing: (result: PanelResult<T>) => boolean = showsFailure,
): PanelResult<T> {
  return useRefreshingPanel(`/api/panels/${name}`, initial, intervalMs, isFailing).result;
}

/**
 * usePanel for any path that answers a PanelResult, with its `refresh` for views that also ask again when
 * something happens (a Docker event on the live stream, a job's end).
 */
export function useRefreshingPanel<T>(
  path: string,
  initial: PanelResult<T>,
  intervalMs = 10_000,
  isFailing: (result: PanelResult<T>) => boolean = showsFailure,
): { result: PanelResult<T>; refresh: () => Promise<void> } {
  const [result, setResult] = useState(initial);
  // Requests can overlap (an event's refresh during the interval's): an older answer never replaces a newer one.
  const order = useRef({ sent: 0, shown: 0 });
  const refresh = useCallback(async () => {
    const sent = ++order.current.sent;
    try {
      const response = await fetch(path, { cache: 'no-store' });
      if (response.status === 401) return window.location.reload();
      if (!response.ok) return;
      const answer = (await response.json()) as PanelResult<T>;
      if (sent < order.current.shown) return;
      order.current.shown = sent;
      setResult(answer);
    } catch {
      // The dashboard itself is unreachable (tunnel closed); keep what is shown and try again.
    }
  }, [path]);
  useVisibleInterval(refresh, isFailing(result) ? Math.min(intervalMs, FAILING_PANEL_RETRY_MS) : intervalMs);
  return { result, refresh };
}

/**
 * usePanel for a panel whose data is measured in the background (du over the media folder): it asks every
 * `busyMs` while `busy` says the measurement runs, so its result shows within seconds, and every `idleMs` after.
 */
export function usePanelWhileMeasuring<T>(
  name: string,
  initial: PanelResult<T>,
  busy: (result: PanelResult<T>) => boolean,
  busyMs = 5_000,
  idleMs = 60_000,
): PanelResult<T> {
  const [fast, setFast] = useState(() => busy(initial));
  const result = usePanel(name, initial, fast ? busyMs : idleMs);
  if (busy(result) !== fast) setFast(!fast);
  return result;
}
