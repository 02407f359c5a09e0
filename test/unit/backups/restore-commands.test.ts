import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import { hostPathOf, mediaCopyCommand, restoreCommands, shellQuote } from '@/lib/backups/restore-commands';

const BASE = {
  composeProject: 'live',
  mastodonDir: '/home/mastodon/live',
  dbService: 'db',
  dbUser: 'mastodon',
  dbName: 'mastodon_production',
  appServices: ['sidekiq', 'streaming', 'web'],
  backupPath: '/var/backups/mastodon/2026-12-04T03-30-00Z_v4.3.17',
  backupVersion: '4.3.17',
  runningVersion: '4.3.17',
};

describe('restoreCommands', () => {
  it('fills in the project, the db service, the database and role, and the backup’s path, in a safe order', () => {
    expect(restoreCommands(BASE).map((step) => step.command)).toEqual([
      'cd /var/backups/mastodon/2026-12-04T03-30-00Z_v4.3.17 && sha256sum -c SHA256SUMS',
      'cd /home/mastodon/live',
      'docker compose -p live stop sidekiq streaming web',
      'docker compose -p live exec -T db dropdb -U mastodon --force mastodon_production',
      'docker compose -p live exec -T db createdb -U mastodon -T template0 mastodon_production',
      'docker compose -p live exec -T db pg_restore -U mastodon -d mastodon_production --no-owner --no-privileges ' +
        '--exit-on-error < /var/backups/mastodon/2026-12-04T03-30-00Z_v4.3.17/mastodon.dump',
      'docker compose -p live up -d',
    ]);
  });

  it('adds the migrations when the backup was taken under another Mastodon version than the one running', () => {
    const steps = restoreCommands({ ...BASE, backupVersion: '4.3.17', runningVersion: '4.4.4' });
    const migrate = steps.find((step) => step.command.includes('db:migrate'));
    expect(migrate?.command).toBe('docker compose -p live run --rm web bundle exec rails db:migrate');
    expect(inEnglish(migrate!.what)).toContain('4.3.17 and 4.4.4 runs now');
    expect(renderText(translatorFor('de'), migrate!.what)).toBe(
      'Die Sicherung stammt von Mastodon 4.3.17, jetzt läuft 4.4.4: Führe vor dem Start die Migrationen aus',
    );
    expect(steps.at(-1)?.command).toBe('docker compose -p live up -d');
  });

  it('quotes names and paths a shell would split or expand, and never holds a password', () => {
    const steps = restoreCommands({
      ...BASE,
      mastodonDir: '/srv/my mastodon',
      dbUser: "o'brien",
      backupPath: '/backups/$HOME/x',
      dbName: 'mastodon production',
    });
    const text = steps.map((step) => step.command).join('\n');
    expect(text).toContain("cd '/srv/my mastodon'");
    expect(text).toContain("-U 'o'\\''brien'");
    expect(text).toContain("< '/backups/$HOME/x/mastodon.dump'");
    expect(text).toContain("createdb -U 'o'\\''brien' -T template0 'mastodon production'");
    expect(text).not.toMatch(/PASSWORD|PGPASSWORD/);
  });

  it('says where to go when the Mastodon directory is not known', () => {
    expect(restoreCommands({ ...BASE, mastodonDir: null })[1]?.command).toBe(
      'cd <the Mastodon directory, where docker-compose.yml is>',
    );
  });
});

describe('shellQuote', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('mastodon_production')).toBe('mastodon_production');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('mediaCopyCommand', () => {
  it('copies public/system beside the backups, leaving out cache/', () => {
    expect(
      mediaCopyCommand({ mediaHostPath: '/home/mastodon/live/public/system', destination: '/var/backups/m/media' }),
    ).toBe('rsync -a --delete --exclude cache/ /home/mastodon/live/public/system/ /var/backups/m/media/');
  });
  it('names the folder in words when its host path is not known', () => {
    expect(mediaCopyCommand({ mediaHostPath: null, destination: '/b/media/' })).toBe(
      'rsync -a --delete --exclude cache/ <the Mastodon directory>/public/system/ /b/media/',
    );
  });
});

describe('hostPathOf', () => {
  const mounts = [
    { source: '/var/lib/docker/volumes/live_mastodash-data/_data', destination: '/app/data' },
    { source: '/home/mastodon/live', destination: '/mastodon' },
    { source: '/mnt/backup-disk', destination: '/app/data/backups' },
  ];
  it('maps a container path through the mount that holds it most closely', () => {
    expect(hostPathOf('/app/data/backups', mounts)).toBe('/mnt/backup-disk');
    expect(hostPathOf('/app/data/backups/x', mounts)).toBe('/mnt/backup-disk/x');
    expect(hostPathOf('/app/data/audit', mounts)).toBe('/var/lib/docker/volumes/live_mastodash-data/_data/audit');
    expect(hostPathOf('/mastodon/', mounts)).toBe('/home/mastodon/live');
  });
  it('answers null for a path no mount holds, and does not match a name that only starts alike', () => {
    expect(hostPathOf('/tmp/backups', mounts)).toBeNull();
    expect(hostPathOf('/app/database', mounts)).toBeNull();
  });
});
