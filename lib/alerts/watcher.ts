import 'server-only';

import type { AttentionReport } from '../attention/types';
import type { Detector } from '../attention/detector';
import { checkAttention, DETECTORS } from '../attention/registry';
import { getConfig, type Config } from '../config';
import { liveTopics } from '../live';
import { existingProcessSingleton, processSingleton, dropProcessSingleton } from '../process/singleton';
import { alertsConfigured, sendAlert, stopAlertQueue } from './index';
import type { AlertMessage, AlertProblem } from './messages';
import { ALERT_WATCHER_SLOT } from './shutdown';
import { announcedProblems, newWatchState, observe, type WatchState, type WatchTiming } from './watch-decisions';

/**
 * The background watcher (docs/design.md, "Alerts: the watcher"): it runs the attention registry every
 * ALERT_INTERVAL_SECONDS, re-runs the Docker-event detectors when the shared containers topic reports a change,
 * and hands what `observe` decides to the channels. It runs only while a channel is configured.
 */

export interface AlertWatcherDeps {
  detectors: readonly Detector[];
  check: (detectors: readonly Detector[]) => Promise<AttentionReport>;
  send: (message: AlertMessage) => unknown;
  timing: WatchTiming;
  now?: () => number;
}

/** Runs checks one at a time (the state machine must see them in order) and coalesces the ones asked meanwhile. */
export class AlertWatcher {
  readonly state: WatchState = newWatchState();
  private running: Promise<void> | undefined;
  private waiting = new Set<Detector>();
  private stopped = false;

  constructor(private readonly deps: AlertWatcherDeps) {}

  /** Every detector (the interval). */
  checkAll(): Promise<void> {
    return this.request(this.deps.detectors);
  }

  /** The detectors whose answer a Docker event can change (a message on the containers topic). */
  checkOnContainerEvent(): Promise<void> {
    return this.request(this.deps.detectors.filter((detector) => detector.recheck.kind === 'docker-events'));
  }

  stop(): void {
    this.stopped = true;
    this.waiting.clear();
  }

  private request(detectors: readonly Detector[]): Promise<void> {
    for (const detector of detectors) this.waiting.add(detector);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.waiting.size > 0 && !this.stopped) {
      // In the registry's order, so the report orders findings as the page does.
      const batch = this.deps.detectors.filter((detector) => this.waiting.has(detector));
      this.waiting.clear();
      const report = await this.deps.check(batch);
      if (this.stopped) return;
      const nowMs = this.deps.now?.() ?? Date.now();
      // A detector that did not look (no running web for the media check) ends none of its problems.
      const notLooked = new Set(report.notLooked);
      const looked = batch.map((detector) => detector.id).filter((id) => !notLooked.has(id));
      const messages = observe(this.state, { nowMs, detectors: looked, findings: report.findings }, this.deps.timing);
      for (const message of messages) this.deps.send(message);
    }
  }
}

interface RunningWatcher {
  watcher: AlertWatcher;
  stop: () => void;
}

/** Docker sends several events for one change (die, then stop); one check after they settle covers them. */
const EVENT_SETTLE_MS = 400;

/**
 * Starts the process's watcher when a channel is configured; without one nothing runs. Returns whether it runs.
 * Stopped by `stopAlertWatcher` (lib/alerts/shutdown.ts).
 */
export function startAlertWatcher(config: Config = getConfig()): boolean {
  if (!alertsConfigured(config)) return false;
  processSingleton<RunningWatcher>(ALERT_WATCHER_SLOT, () => {
    const watcher = new AlertWatcher({
      detectors: DETECTORS,
      check: checkAttention,
      send: (message) => void sendAlert(message, config),
      timing: config.alerts,
    });
    const logFailure = (error: unknown) => console.error('[alerts watcher]', error);
    let settle: NodeJS.Timeout | undefined;
    // Holding the shared containers topic keeps its one Docker event stream open while the watcher runs.
    const leaveContainers = liveTopics().containers.subscribe((message) => {
      if (message.type === 'snapshot') return;
      clearTimeout(settle);
      settle = setTimeout(() => watcher.checkOnContainerEvent().catch(logFailure), EVENT_SETTLE_MS);
      settle.unref();
    });
    // Without InfluxDB the memory detector reads the live sampler, which samples only while someone listens: the
    // watcher listens, so that RAM is judged while no page is open.
    const leaveMetrics = config.influx.url ? undefined : liveTopics().metrics.subscribe(() => undefined);
    const timer = setInterval(() => watcher.checkAll().catch(logFailure), config.alerts.intervalMs);
    timer.unref();
    watcher.checkAll().catch(logFailure);
    return {
      watcher,
      stop: () => {
        clearInterval(timer);
        clearTimeout(settle);
        leaveContainers();
        leaveMetrics?.();
        watcher.stop();
        stopAlertQueue();
        dropProcessSingleton(ALERT_WATCHER_SLOT);
      },
    };
  });
  return true;
}

/** The problems the watcher has announced and that have not recovered (empty when it does not run). */
export function openAlertProblems(): AlertProblem[] {
  const running = existingProcessSingleton<RunningWatcher>(ALERT_WATCHER_SLOT);
  return running ? announcedProblems(running.watcher.state) : [];
}
