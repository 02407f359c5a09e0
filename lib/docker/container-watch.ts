import type { ContainerView } from './types';

/**
 * How code in lib/docker hears of the project's containers changing without importing the live hub that
 * follows them (lib/live/index.ts `watchProjectContainers`): the caller passes one in. It calls `onViews`
 * with the current views once known, then with each changed container, and may do so synchronously
 * before it returns the unsubscribe.
 */
export type ContainerWatcher = (onViews: (views: ContainerView[]) => void) => () => void;
