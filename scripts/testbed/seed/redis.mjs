#!/usr/bin/env node
// Seeds the test bed's Redis with Sidekiq and Rails-cache keys as scripts/testbed/seed/redis-model.mjs describes them.
// Env: REDIS_URL (e.g. redis://:testbed-redis-pass@127.0.0.1:56379).
//   node scripts/testbed/seed/redis.mjs              delete the seeder's keys, then write them all again
//   node scripts/testbed/seed/redis.mjs --heartbeat  rewrite only the Sidekiq process heartbeat (it expires after 60 s)
import Redis from 'ioredis';
import {
  ANCHOR_KEY,
  CACHED_SETTINGS,
  HEARTBEAT_TTL_S,
  LAYOUTS,
  PROCESS,
  QUEUES,
  STATS,
  cachedSettingValue,
  deadEntries,
  keysOf,
  ownedKeys,
  ownedPatterns,
  processInfo,
  queueJobs,
  retryEntries,
  scheduleEntries,
  sidekiqTime,
  utcDay,
} from './redis-model.mjs';

// Sidekiq keeps daily counters for five years.
const STATS_TTL_S = 5 * 365 * 24 * 60 * 60;

function connect(db) {
  const raw = process.env.REDIS_URL;
  if (!raw) throw new Error("REDIS_URL is not set (see scripts/testbed/README.md for the test bed's value)");
  const url = new URL(raw);
  url.pathname = `/${db}`;
  return new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
}

async function deleteOwned(redis, layout) {
  for (const match of ownedPatterns(layout)) {
    const stream = redis.scanStream({ match, count: 1000 });
    for await (const keys of stream) if (keys.length > 0) await redis.unlink(...keys);
  }
  await redis.unlink(...ownedKeys(layout));
}

function writeHeartbeat(tx, layout, anchorMs, nowMs) {
  const k = keysOf(layout);
  tx.sadd(k.processes, k.process.slice(layout.prefix.length));
  tx.hset(k.process, {
    info: JSON.stringify(processInfo(layout, anchorMs)),
    busy: String(PROCESS.busy),
    beat: String(nowMs / 1000),
    quiet: 'false',
    rss: String(PROCESS.rssKb),
    rtt_us: String(PROCESS.rttUs),
  });
  tx.expire(k.process, HEARTBEAT_TTL_S);
  const jobs = queueJobs(layout, 'default', anchorMs).slice(0, PROCESS.busy);
  const runAt = layout.timeFormat === 'milliseconds' ? nowMs : Math.floor(nowMs / 1000);
  jobs.forEach((job, i) =>
    tx.hset(k.processWork, `tid${i}`, JSON.stringify({ queue: job.queue, payload: job, run_at: runAt })),
  );
  tx.expire(k.processWork, HEARTBEAT_TTL_S);
}

async function seedLayout(redis, layout, anchorMs) {
  await deleteOwned(redis, layout);
  const k = keysOf(layout);
  const tx = redis.multi();
  tx.set(ANCHOR_KEY, String(anchorMs));
  tx.sadd(k.queues, ...QUEUES);
  for (const queue of QUEUES) {
    const jobs = queueJobs(layout, queue, anchorMs);
    if (jobs.length > 0) tx.lpush(k.queue(queue), ...jobs.map((job) => JSON.stringify(job)));
  }
  tx.set(k.processed, String(STATS.processed));
  tx.set(k.failed, String(STATS.failed));
  const today = utcDay(anchorMs);
  const yesterday = utcDay(anchorMs - 86_400_000);
  tx.set(k.processedOn(today), String(STATS.processedToday), 'EX', STATS_TTL_S);
  tx.set(k.failedOn(today), String(STATS.failedToday), 'EX', STATS_TTL_S);
  tx.set(k.processedOn(yesterday), String(STATS.processedYesterday), 'EX', STATS_TTL_S);
  tx.set(k.failedOn(yesterday), String(STATS.failedYesterday), 'EX', STATS_TTL_S);
  for (const [key, entries] of [
    [k.retry, retryEntries(layout, anchorMs)],
    [k.schedule, scheduleEntries(layout, anchorMs)],
    [k.dead, deadEntries(layout, anchorMs)],
  ]) {
    tx.zadd(key, ...entries.flatMap((e) => [String(e.score), JSON.stringify(e.job)]));
  }
  writeHeartbeat(tx, layout, anchorMs, anchorMs);
  // No TTL, unlike Rails' 10 minutes: tests may run long after seeding and must find these keys.
  for (const name of Object.keys(CACHED_SETTINGS)) tx.set(k.setting(name), cachedSettingValue(name));
  await tx.exec();
}

async function withLayouts(action) {
  const clients = new Map();
  try {
    for (const layout of Object.values(LAYOUTS)) {
      if (!clients.has(layout.db)) {
        const client = connect(layout.db);
        await client.connect();
        clients.set(layout.db, client);
      }
      await action(clients.get(layout.db), layout);
    }
  } finally {
    for (const client of clients.values()) client.disconnect();
  }
}

async function main() {
  const began = performance.now();
  if (process.argv.includes('--heartbeat')) {
    const nowMs = Date.now();
    await withLayouts(async (redis, layout) => {
      const anchor = await redis.get(ANCHOR_KEY);
      if (!anchor)
        throw new Error(`${ANCHOR_KEY} missing in db ${layout.db}: seed first (node scripts/testbed/seed/redis.mjs)`);
      const tx = redis.multi();
      writeHeartbeat(tx, layout, Number(anchor), nowMs);
      await tx.exec();
    });
    console.log(
      `redis heartbeat: beat ${sidekiqTime(LAYOUTS.plain, nowMs)} written for ${Object.keys(LAYOUTS).join(', ')}`,
    );
    return;
  }
  const anchorMs = Date.now();
  await withLayouts((redis, layout) => seedLayout(redis, layout, anchorMs));
  const seconds = ((performance.now() - began) / 1000).toFixed(2);
  console.log(
    `redis seed: layouts ${Object.keys(LAYOUTS).join(', ')}, anchor ${new Date(anchorMs).toISOString()}, ${seconds} s`,
  );
}

main().catch((error) => {
  console.error(`redis seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
