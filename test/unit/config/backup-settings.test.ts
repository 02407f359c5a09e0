import { describe, expect, it } from 'vitest';

import { loadConfig, type EnvSource } from '@/lib/config';
import { configProblems } from '@/test/support/config-problems';

function load(env: EnvSource) {
  return loadConfig({
    env: { MASTODON_DIR: '/srv/mastodon', DATA_DIR: '/var/lib/mastodash', ...env },
    cwd: '/srv',
    readFile: () => 'LOCAL_DOMAIN=social.example',
  });
}

describe('backup settings', () => {
  it('default to DATA_DIR/backups, seven kept, daily at 03:30, without Redis', () => {
    expect(load({}).backups).toEqual({
      dir: '/var/lib/mastodash/backups',
      keep: 7,
      schedule: { kind: 'cron', text: '03:30', pattern: '30 3 * * *' },
      redis: false,
    });
  });

  it('take a folder of their own, a cron expression or off', () => {
    expect(load({ BACKUP_DIR: 'backups', BACKUP_KEEP: '14', BACKUP_SCHEDULE: '0 3,15 * * *' }).backups).toEqual({
      dir: '/srv/backups',
      keep: 14,
      schedule: { kind: 'cron', text: '0 3,15 * * *', pattern: '0 3,15 * * *' },
      redis: false,
    });
    expect(load({ BACKUP_REDIS: 'true' }).backups.redis).toBe(true);
    expect(load({ BACKUP_SCHEDULE: 'off' }).backups.schedule).toEqual({ kind: 'off' });
  });

  it('refuse a bad schedule, count or Redis switch with the reason and an example', () => {
    expect(
      configProblems(() => load({ BACKUP_SCHEDULE: '3:75', BACKUP_KEEP: '0', BACKUP_REDIS: 'sometimes' })),
    ).toEqual([
      'BACKUP_KEEP: must be at least 1 (got "0"); for example BACKUP_KEEP=7',
      'BACKUP_REDIS: must be true or false (got "sometimes"); for example BACKUP_REDIS=true',
      'BACKUP_SCHEDULE: "3:75" is neither a time of day (03:30), a cron expression of five fields (30 3 * * *) nor "off" (got "3:75"); for example BACKUP_SCHEDULE=03:30',
    ]);
  });
});
