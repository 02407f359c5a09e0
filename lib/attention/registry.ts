import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { listRecentJobs } from '../jobs';
import { currentProjectContainers } from '../live';
import { readMastodonConfigFiles } from '../mastodon/config-files';
import { diagnoseConfig } from '../mastodon/config-doctor';
import { probeStreaming, probeWeb, readMigrationState } from '../mastodon/health';
import { diagnoseMediaPermissions, lastMediaFixAt, MEDIA_FIX_JOB } from '../mastodon/media-permissions';
import { readPeopleCounts } from '../mastodon/people';
import { readHostDisk } from '../mastodon/storage/host-disk';
import { processSingleton } from '../process/singleton';
import { headlinePanel } from '../panels/metrics';
import { sidekiqPanel, type SidekiqPanelData } from '../panels/sidekiq';
import { NOT_LOOKED, panelData, type Detector } from './detector';
import { text } from '../i18n/text';
import { backupDiskPlacement, readBackupStatus } from '../backups/health';
import { BACKUP_JOB, BACKUPS_DETECTOR, backupDiskFindings, backupFindings } from './detectors/backups';
import { containerFindings, hasUnhealthySidekiq } from './detectors/containers';
import { serviceFindings, migrationFindings } from './detectors/mastodon-health';
import { MEDIA_DETECTOR, mediaFindings } from './detectors/media';
import { diskFindings, memoryFindings } from './detectors/host';
import { doctorFindings, moderationFindings } from './detectors/moderation';
import { deadSetFindings, rememberDeadSet, sidekiqFindings, type DeadSetReading } from './detectors/sidekiq';
import { newDetectorMemory, runDetectors, type DetectorMemory } from './run';
import type { AttentionReport } from './types';

/**
 * The one registry of what the dashboard recognises as a problem. Each detector reads what a page already
 * reads (the live containers, the Sidekiq and metrics panels, the health probes, the media diagnosis, the config
 * doctor, the people counts) and turns it into findings with the pure functions in detectors/, which the pages
 * use too. Order here is the order within one severity.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** The Sidekiq panel's reading, shared by the two detectors that need it within one run (of one configuration). */
function sharedSidekiq(): Promise<SidekiqPanelData> {
  const slot = processSingleton<{ reading?: { promise: Promise<SidekiqPanelData>; atMs: number; config: object } }>(
    'attention.sidekiq-reading',
    () => ({}),
  );
  const config = getConfig();
  const known = slot.reading;
  if (known && known.config === config && Date.now() - known.atMs < 5 * SECOND) return known.promise;
  const promise = sidekiqPanel().then(panelData);
  slot.reading = { promise, atMs: Date.now(), config };
  promise.catch(() => {
    if (slot.reading?.promise === promise) slot.reading = undefined;
  });
  return promise;
}

function deadSetHistory(): { readings: DeadSetReading[] } {
  return processSingleton('attention.dead-set', () => ({ readings: [] as DeadSetReading[] }));
}

export const DETECTORS: readonly Detector[] = [
  {
    id: 'containers',
    subject: text('attention.subjects.containers'),
    severity: 'critical',
    reads: "Docker: the project's containers (state, exit code, OOMKilled, restart count, health), from the live topic",
    recheck: { kind: 'docker-events', events: ['start', 'die', 'oom', 'restart', 'health_status', 'pause', 'unpause'] },
    timeoutMs: 10 * SECOND,
    async detect() {
      const containers = await currentProjectContainers();
      // Only an unhealthy Sidekiq needs Redis: its heartbeat tells a stale health check from a dead Sidekiq.
      const sidekiqHealth = hasUnhealthySidekiq(containers)
        ? await sharedSidekiq().then(
            (data) => data.healthChecks,
            () => undefined,
          )
        : undefined;
      return containerFindings(containers, { nowMs: Date.now(), ...(sidekiqHealth ? { sidekiqHealth } : {}) });
    },
  },
  {
    id: MEDIA_DETECTOR,
    subject: text('attention.subjects.media'),
    severity: 'critical',
    reads: "Docker exec in web: stat and a write probe of public/system as Mastodon's uid, and web's last log lines",
    recheck: { kind: 'poll', everyMs: MINUTE, afterJobs: [MEDIA_FIX_JOB] },
    timeoutMs: 25 * SECOND,
    async detect() {
      const fixedAt = lastMediaFixAt(listRecentJobs());
      try {
        return mediaFindings(await diagnoseMediaPermissions(fixedAt ? { fixedAt } : {}));
      } catch (error) {
        // No running web: the containers detector already says so, with its exit code.
        if (error instanceof AppError && (error.code === 'conflict' || error.code === 'not_found')) return NOT_LOOKED;
        throw error;
      }
    },
  },
  {
    id: 'mastodon',
    subject: text('attention.subjects.services'),
    severity: 'critical',
    reads: "HTTP: web's /health and streaming's /api/v1/streaming/health; Docker: which of them run",
    recheck: { kind: 'poll', everyMs: 30 * SECOND },
    timeoutMs: 12 * SECOND,
    async detect() {
      const [web, streaming, containers] = await Promise.all([
        probeWeb(),
        probeStreaming(),
        currentProjectContainers(),
      ]);
      const running = new Set(containers.filter((c) => c.state === 'running').map((c) => c.name));
      const isRunning = (name: string) => running.has(name);
      return [...serviceFindings('web', web, isRunning), ...serviceFindings('streaming', streaming, isRunning)];
    },
  },
  {
    id: 'migrations',
    subject: text('attention.subjects.migrations'),
    severity: 'warning',
    reads: "Docker exec in web: the image's db/migrate files; Postgres: schema_migrations",
    recheck: { kind: 'poll', everyMs: 5 * MINUTE },
    timeoutMs: 15 * SECOND,
    async detect() {
      return migrationFindings(await readMigrationState());
    },
  },
  {
    id: 'sidekiq',
    subject: text('attention.subjects.sidekiq'),
    severity: 'critical',
    reads: "Redis: Sidekiq's processes, queues and dead set (the Sidekiq panel's report)",
    recheck: { kind: 'poll', everyMs: 30 * SECOND },
    timeoutMs: 20 * SECOND,
    async detect() {
      const { report } = await sharedSidekiq();
      const history = deadSetHistory();
      history.readings = rememberDeadSet(history.readings, { atMs: report.readAtMs, dead: report.sets.dead });
      return [...sidekiqFindings(report), ...deadSetFindings(history.readings)];
    },
  },
  {
    id: 'disk',
    subject: text('attention.subjects.disk'),
    severity: 'warning',
    reads: "InfluxDB: Telegraf's disk reading for /",
    recheck: { kind: 'poll', everyMs: 5 * MINUTE },
    timeoutMs: 15 * SECOND,
    async detect() {
      return diskFindings(await readHostDisk());
    },
  },
  {
    id: 'memory',
    subject: text('attention.subjects.memory'),
    severity: 'warning',
    reads: "InfluxDB: Telegraf's mem reading (else the live Docker sampler), as the home page's headline",
    recheck: { kind: 'poll', everyMs: MINUTE },
    timeoutMs: 15 * SECOND,
    async detect() {
      return memoryFindings(panelData(await headlinePanel()), Date.now(), getConfig().metricsIntervalMs);
    },
  },
  {
    id: 'config',
    subject: text('attention.subjects.doctor'),
    severity: 'warning',
    reads: '.env.production and the compose file, through the config doctor',
    recheck: { kind: 'poll', everyMs: 5 * MINUTE },
    timeoutMs: 15 * SECOND,
    async detect() {
      return doctorFindings(diagnoseConfig((await readMastodonConfigFiles()).input));
    },
  },
  {
    id: BACKUPS_DETECTOR,
    subject: text('attention.subjects.backups'),
    severity: 'warning',
    reads: "BACKUP_DIR: each backup's backup.json; the audit log: the last backup run",
    recheck: { kind: 'poll', everyMs: 5 * MINUTE, afterJobs: [BACKUP_JOB] },
    timeoutMs: 10 * SECOND,
    async detect() {
      const { backups } = getConfig();
      return backupFindings(await readBackupStatus(backups.dir), {
        nowMs: Date.now(),
        watchingSinceMs: Date.now() - process.uptime() * 1000,
        scheduleOff: backups.schedule.kind === 'off',
        backupDir: backups.dir,
      });
    },
  },
  {
    id: 'backup-disk',
    subject: text('attention.subjects.backupDisk'),
    severity: 'info',
    reads: "Docker: the db container's data mount; the file system: the device of BACKUP_DIR and of that mount",
    recheck: { kind: 'poll', everyMs: 30 * MINUTE },
    timeoutMs: 10 * SECOND,
    async detect() {
      try {
        return backupDiskFindings(await backupDiskPlacement());
      } catch (error) {
        // Docker does not answer: the containers detector says so; where the data lives is then not known.
        if (error instanceof AppError) return NOT_LOOKED;
        throw error;
      }
    },
  },
  {
    id: 'moderation',
    subject: text('attention.subjects.moderation'),
    severity: 'info',
    reads: 'Postgres: users waiting for approval, unresolved reports',
    recheck: { kind: 'poll', everyMs: 5 * MINUTE },
    timeoutMs: 10 * SECOND,
    async detect() {
      return moderationFindings(await readPeopleCounts(), getConfig().mastodon.localDomain);
    },
  },
];

/** The longest a run can take: the detectors run side by side, each within its own timeout. */
export const ATTENTION_RUN_MS = Math.max(...DETECTORS.map((detector) => detector.timeoutMs));

function processMemory(): DetectorMemory {
  return processSingleton('attention.memory', newDetectorMemory);
}

/** When a job of one of these kinds last ended (ISO), among the recent jobs. */
function lastFinishedJob(kinds: readonly string[]): string | undefined {
  return listRecentJobs()
    .filter((job) => kinds.includes(job.kind) && job.finishedAt !== undefined)
    .map((job) => job.finishedAt!)
    .sort()
    .at(-1);
}

/**
 * Every detector (or the given ones: the alert watcher re-runs only the Docker-event ones on an event), with the
 * process's memory of earlier runs: a polled detector checked within its interval is not asked again, so many
 * browsers and the watcher share one check.
 */
export function checkAttention(detectors: readonly Detector[] = DETECTORS): Promise<AttentionReport> {
  return runDetectors(detectors, { memory: processMemory(), lastFinishedJob });
}
