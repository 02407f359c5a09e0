import 'server-only';

import path from 'node:path';

import { listAudit } from '../audit';
import { getConfig } from '../config';
import { nextBackupAt } from '../config/backup-schedule';
import { backupScheduleState } from './schedule';
import { listProjectContainers } from '../docker/containers';
import { ownContainerMounts, projectContainerMounts, type MountView } from '../docker/mounts';
import type { ContainerView } from '../docker/types';
import { toErrorView, type ErrorText, type ErrorView } from '../errors';
import type { Text } from '../i18n/text';
import { listRecentJobs } from '../jobs';
import type { JobView } from '../jobs/types';
import { MASTODON_MEDIA_PATHS } from '../mastodon/media-path';
import { readRunningVersion } from '../mastodon/running-version';
import { mediaFolderStatus, type MediaView } from '../mastodon/storage/media-folder';
import { mastodonDatabase } from './database';
import { downloadableFiles } from './download';
import type { BackupRecord } from './layout';
import { hostPathOf, mediaCopyCommand, restoreCommands, type RestoreStep } from './restore-commands';
import { BACKUP_JOB } from './status';
import { listBackups } from './store';

/** What the Backups page shows (README, "Backups"). Reads; starts nothing but the media folder's usual measurement. */

export interface BackupItem {
  name: string;
  record: BackupRecord | null;
  /** Why the folder cannot be listed as a backup (its backup.json cannot be read). */
  problem?: Text;
  bytes: number;
  downloads: string[];
  restore: RestoreStep[];
}

export interface FailedAttempt {
  auditId: number;
  startedAt: string;
  outcome: 'failed' | 'interrupted';
  error: string | null;
  trigger: string;
}

export interface BackupsOverview {
  dir: string;
  /** BACKUP_DIR as the host sees it; null when it exists only inside the dashboard's container. */
  dirOnHost: string | null;
  keep: number;
  schedule: {
    text: string;
    nextAt: string | null;
    timeZone: string;
    /** Set when the launcher stopped the schedule (a BACKUP_DIR it cannot write): why, and what to do. */
    stopped?: { reason: Text; fix?: ErrorText; at: string };
  };
  backups: BackupItem[];
  listError?: ErrorView;
  failedAttempts: FailedAttempt[];
  media: { view: MediaView; hostPath: string | null; command: string; destination: string };
  deployment: { project: string; dbService: string; dbUser: string; dbName: string; mastodonDir: string | null };
  /** A problem finding the deployment's facts (Docker down): the commands then use the usual names. */
  deploymentError?: ErrorView;
  jobs: JobView[];
}

const APP_SERVICES = ['web', 'streaming', 'sidekiq'];

/** The services that write to the database: web, streaming and every sidekiq (some run several). */
export function appServicesOf(containers: readonly ContainerView[]): string[] {
  const services = [...new Set(containers.map((container) => container.service))].filter(
    (service) => APP_SERVICES.includes(service) || service.startsWith('sidekiq'),
  );
  return services.length > 0 ? services.sort() : APP_SERVICES;
}

async function safely<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ErrorView }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: toErrorView(error) };
  }
}

function mediaMount(mounts: readonly MountView[] | undefined): string | null {
  const found = mounts?.find((mount) => (MASTODON_MEDIA_PATHS as readonly string[]).includes(mount.destination));
  return found?.source || null;
}

function failedAttempts(oldestKept: string | undefined): FailedAttempt[] {
  return listAudit({ action: BACKUP_JOB, limit: 50 })
    .filter((record) => record.outcome === 'failed' || record.outcome === 'interrupted')
    .filter((record) => !oldestKept || record.startedAt >= oldestKept)
    .slice(0, 10)
    .map((record) => ({
      auditId: record.id,
      startedAt: record.startedAt,
      outcome: record.outcome as 'failed' | 'interrupted',
      error: record.error,
      trigger: typeof record.params.trigger === 'string' ? record.params.trigger : 'manual',
    }));
}

function scheduleStopped(): { stopped?: { reason: Text; fix?: ErrorText; at: string } } {
  const running = backupScheduleState();
  if (running.state !== 'stopped') return {};
  return {
    stopped: { reason: running.reason, ...(running.fix ? { fix: running.fix } : {}), at: running.stoppedAt },
  };
}

export async function readBackupsOverview(nowMs = Date.now()): Promise<BackupsOverview> {
  const config = getConfig();
  const { dir, keep, schedule } = config.backups;
  const [listed, containers, own, version] = await Promise.all([
    safely(() => listBackups(dir)),
    safely(() => listProjectContainers()),
    ownContainerMounts().catch(() => undefined),
    readRunningVersion().catch(() => undefined),
  ]);
  const db = containers.ok ? containers.value.find((container) => container.service === 'db') : undefined;
  const web = containers.ok
    ? containers.value.find((container) => container.service === 'web' || container.service === 'sidekiq')
    : undefined;
  const webMounts = web ? await projectContainerMounts(web.id).catch(() => undefined) : undefined;
  // On the host a path is its own host path; in a container only through the container's mounts.
  const onHost = (containerPath: string) => (own ? hostPathOf(containerPath, own) : containerPath);
  const dirOnHost = onHost(dir);
  const mastodonDir = config.mastodon.dir === undefined ? null : onHost(config.mastodon.dir);
  const { dbUser, dbName } = mastodonDatabase();
  const deployment = {
    project: config.composeProject,
    dbService: db?.service ?? 'db',
    dbUser,
    dbName,
    mastodonDir,
  };
  const appServices = appServicesOf(containers.ok ? containers.value : []);
  const runningVersion = version?.version?.text ?? null;
  const backupsDir = dirOnHost ?? dir;
  const backups: BackupItem[] = (listed.ok ? listed.value : []).map((stored) => ({
    name: stored.name,
    record: stored.record,
    ...(stored.record ? {} : { problem: stored.problem }),
    bytes: stored.record ? stored.record.files.reduce((sum, file) => sum + file.bytes, 0) : 0,
    downloads: stored.record ? downloadableFiles(stored.record) : [],
    restore: restoreCommands({
      composeProject: deployment.project,
      mastodonDir,
      dbService: deployment.dbService,
      dbUser,
      dbName,
      appServices,
      backupPath: path.posix.join(backupsDir, stored.name),
      backupVersion: stored.record?.mastodonVersion ?? null,
      runningVersion,
    }),
  }));
  const mediaHostPath = mediaMount(webMounts);
  const destination = path.posix.join(backupsDir, 'media');
  const oldestKept = backups.at(-1)?.record?.startedAt;
  return {
    dir,
    dirOnHost,
    keep,
    schedule: {
      text: schedule.kind === 'off' ? 'off' : schedule.text,
      nextAt: nextBackupAt(schedule, new Date(nowMs))?.toISOString() ?? null,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      ...scheduleStopped(),
    },
    backups,
    ...(listed.ok ? {} : { listError: listed.error }),
    failedAttempts: failedAttempts(oldestKept),
    media: {
      view: mediaFolderStatus(nowMs),
      hostPath: mediaHostPath,
      destination,
      command: mediaCopyCommand({ mediaHostPath, destination }),
    },
    deployment,
    ...(containers.ok ? {} : { deploymentError: containers.error }),
    jobs: listRecentJobs().filter((job) => job.kind === BACKUP_JOB),
  };
}
