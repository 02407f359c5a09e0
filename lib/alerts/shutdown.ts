import { existingProcessSingleton } from '../process/singleton';

/** The process slot of the running alert watcher (lib/alerts/watcher.ts makes it). */
export const ALERT_WATCHER_SLOT = 'alerts.watcher';

/**
 * Stops the alert watcher, if one runs, for the launcher's shutdown: no more checks, the containers topic
 * released, the delivery queue stopped. Reads the slot without making it and imports nothing of the watcher, so a
 * launcher without a channel loads none of it.
 */
export function stopAlertWatcher(): void {
  existingProcessSingleton<{ stop: () => void }>(ALERT_WATCHER_SLOT)?.stop();
}
