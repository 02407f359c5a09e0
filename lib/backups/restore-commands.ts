import { text, type Text } from '../i18n/text';
import { BACKUP_FILES, CHECKSUM_FILE } from './layout';

/**
 * The commands that restore one backup over this deployment's database, filled in: the compose project, its db
 * service, Mastodon's database and role (never the password), the backup's folder on the host. The dashboard never
 * runs them itself: there is no one-click restore over the live database. Pure, so that the page and the tests agree.
 */

export interface RestoreInput {
  composeProject: string;
  /** The Mastodon directory on the host (where docker-compose.yml is); null when it cannot be known. */
  mastodonDir: string | null;
  dbService: string;
  dbUser: string;
  dbName: string;
  /** The services that write to the database and must be stopped first (web, streaming, sidekiq…). */
  appServices: readonly string[];
  /** The backup's folder on the host. */
  backupPath: string;
  backupVersion: string | null;
  runningVersion: string | null;
}

export interface RestoreStep {
  /** What the step does, in words. */
  what: Text;
  command: string;
}

const UNKNOWN_MASTODON_DIR = '<the Mastodon directory, where docker-compose.yml is>';
const SAFE = /^[A-Za-z0-9_./:=@%+-]+$/;

/** A word as a POSIX shell reads it literally: as is when nothing in it is special, else in single quotes. */
export function shellQuote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function joinPath(dir: string, file: string): string {
  return `${dir.replace(/\/+$/, '')}/${file}`;
}

export function restoreCommands(input: RestoreInput): RestoreStep[] {
  const q = shellQuote;
  const compose = `docker compose -p ${q(input.composeProject)}`;
  const inDb = `${compose} exec -T ${q(input.dbService)}`;
  const user = `-U ${q(input.dbUser)}`;
  const services = input.appServices.map(q).join(' ');
  const steps: RestoreStep[] = [
    {
      what: text('backups.steps.checksums'),
      command: `cd ${q(input.backupPath)} && sha256sum -c ${CHECKSUM_FILE}`,
    },
    {
      what: text('backups.steps.cd'),
      command: `cd ${input.mastodonDir ? q(input.mastodonDir) : UNKNOWN_MASTODON_DIR}`,
    },
    { what: text('backups.steps.stop'), command: `${compose} stop ${services}` },
    {
      what: text('backups.steps.drop'),
      command: `${inDb} dropdb ${user} --force ${q(input.dbName)}`,
    },
    { what: text('backups.steps.create'), command: `${inDb} createdb ${user} -T template0 ${q(input.dbName)}` },
    {
      // The flags the dashboard's own test restore proved this dump with (lib/backups/pg-commands.ts).
      what: text('backups.steps.restore'),
      command:
        `${inDb} pg_restore ${user} -d ${q(input.dbName)} --no-owner --no-privileges --exit-on-error ` +
        `< ${q(joinPath(input.backupPath, BACKUP_FILES.database))}`,
    },
  ];
  if (input.backupVersion && input.runningVersion && input.backupVersion !== input.runningVersion) {
    steps.push({
      what: text('backups.steps.migrate', {
        backupVersion: input.backupVersion,
        runningVersion: input.runningVersion,
      }),
      command: `${compose} run --rm web bundle exec rails db:migrate`,
    });
  }
  steps.push({ what: text('backups.steps.start'), command: `${compose} up -d` });
  return steps;
}

export interface MediaCopyInput {
  /** public/system on the host; null when it cannot be known. */
  mediaHostPath: string | null;
  /** Where the copy goes, on the host. */
  destination: string;
}

/**
 * The media folder is not part of a backup (it can be far larger than the database); this copies it beside the
 * backups. cache/ holds remote servers' media, which Mastodon fetches again when it is missing.
 */
export function mediaCopyCommand(input: MediaCopyInput): string {
  const source = input.mediaHostPath ?? '<the Mastodon directory>/public/system';
  const quotedSource = input.mediaHostPath ? shellQuote(`${source.replace(/\/+$/, '')}/`) : `${source}/`;
  const destination = shellQuote(`${input.destination.replace(/\/+$/, '')}/`);
  return `rsync -a --delete --exclude cache/ ${quotedSource} ${destination}`;
}

/**
 * A path inside the dashboard's container as the host sees it, through the container's mounts (the longest
 * destination that holds the path wins). Null when no mount holds it: the path then exists only in the container.
 */
export function hostPathOf(
  containerPath: string,
  mounts: readonly { source: string; destination: string }[],
): string | null {
  const normal = containerPath.replace(/\/+$/, '') || '/';
  const holding = mounts
    .filter(
      (mount) =>
        mount.source !== '' &&
        (normal === mount.destination || normal.startsWith(`${mount.destination.replace(/\/+$/, '')}/`)),
    )
    .sort((a, b) => b.destination.length - a.destination.length)[0];
  if (!holding) return null;
  const rest = normal.slice(holding.destination.replace(/\/+$/, '').length);
  return `${holding.source.replace(/\/+$/, '')}${rest}` || '/';
}
