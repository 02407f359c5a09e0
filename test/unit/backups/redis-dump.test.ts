import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import { persistenceFields, takeRedisSnapshot, type SnapshotClient } from '@/lib/backups/redis-dump';
import { AppError } from '@/lib/errors';

/** A Redis that answers INFO persistence from a script, one state per call, the last one repeated. */
function scriptedRedis(options: { lastSave: number; bgsave: () => string; states: string[][] }) {
  const calls: string[] = [];
  let index = 0;
  const client = {
    time: async () => ['2000000000', '0'],
    lastsave: async () => options.lastSave,
    call: async (...args: string[]) => {
      calls.push(args.join(' '));
      return options.bgsave();
    },
    info: async () => {
      const state = options.states[Math.min(index, options.states.length - 1)]!;
      index += 1;
      return `# Persistence\r\n${state.join('\r\n')}\r\n`;
    },
  } as unknown as SnapshotClient;
  return { client, calls };
}

describe('Redis’s snapshot before its dump.rdb is copied', () => {
  it('reads INFO persistence', () => {
    const fields = persistenceFields('# Persistence\r\nrdb_bgsave_in_progress:0\r\nrdb_last_bgsave_status:ok\r\n');
    expect(fields.get('rdb_bgsave_in_progress')).toBe('0');
    expect(fields.get('rdb_last_bgsave_status')).toBe('ok');
  });

  it('asks for BGSAVE SCHEDULE and returns once the save time moved past the one before', async () => {
    const { client, calls } = scriptedRedis({
      lastSave: 1_900_000_000,
      bgsave: () => 'Background saving started',
      states: [
        ['rdb_bgsave_in_progress:1', 'rdb_last_save_time:1900000000', 'rdb_last_bgsave_status:ok'],
        ['rdb_bgsave_in_progress:0', 'rdb_last_save_time:2000000001', 'rdb_last_bgsave_status:ok'],
      ],
    });
    await takeRedisSnapshot(client, 5_000);
    expect(calls).toEqual(['BGSAVE SCHEDULE']);
  });

  it('fails with Redis’s status when the save it watched failed', async () => {
    const { client } = scriptedRedis({
      lastSave: 1_900_000_000,
      bgsave: () => 'Background saving started',
      states: [
        ['rdb_bgsave_in_progress:1', 'rdb_last_save_time:1900000000', 'rdb_last_bgsave_status:ok'],
        ['rdb_bgsave_in_progress:0', 'rdb_last_save_time:1900000000', 'rdb_last_bgsave_status:err'],
      ],
    });
    const error = await takeRedisSnapshot(client, 5_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(inEnglish((error as AppError).title)).toBe('Redis could not write its snapshot');
    expect(renderText(translatorFor('de'), (error as AppError).title)).toBe(
      'Redis konnte seinen Snapshot nicht schreiben',
    );
  });

  it('gives up at its timeout when the save never lands', async () => {
    const { client } = scriptedRedis({
      lastSave: 1_900_000_000,
      bgsave: () => 'Background saving scheduled',
      states: [['rdb_bgsave_in_progress:0', 'rdb_last_save_time:1900000000', 'rdb_last_bgsave_status:ok']],
    });
    const error = await takeRedisSnapshot(client, 600).catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('timeout');
  });
});
