'use client';

import { useSyncExternalStore } from 'react';

/*
 * The wall clock as React state, so that a component reads the time without calling Date.now() while it
 * renders (React may render twice, or reuse a render, and the server and the browser must agree). The
 * time is floored to the tick, so every read within one tick returns the same number, as
 * useSyncExternalStore requires; one interval per tick length runs while any component listens.
 */

interface Clock {
  listeners: Set<() => void>;
  timer?: ReturnType<typeof setInterval>;
}

const clocks = new Map<number, Clock>();

function clockOf(tickMs: number): Clock {
  let clock = clocks.get(tickMs);
  if (!clock) {
    clock = { listeners: new Set() };
    clocks.set(tickMs, clock);
  }
  return clock;
}

function flooredNow(tickMs: number): number {
  return Math.floor(Date.now() / tickMs) * tickMs;
}

/** The current time in ms, floored to `tickMs` and updated once per tick while the component is mounted. */
export function useNow(tickMs: number): number {
  return useSyncExternalStore(
    (listener) => {
      const clock = clockOf(tickMs);
      clock.listeners.add(listener);
      clock.timer ??= setInterval(() => clock.listeners.forEach((notify) => notify()), tickMs);
      return () => {
        clock.listeners.delete(listener);
        if (clock.listeners.size === 0) {
          clearInterval(clock.timer);
          clock.timer = undefined;
        }
      };
    },
    () => flooredNow(tickMs),
    () => flooredNow(tickMs),
  );
}
