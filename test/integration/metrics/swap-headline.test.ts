import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SWAP_IN_HARD_BYTES_PER_SECOND, memoryFindings } from '@/lib/attention/detectors/host';
import { SERVICE_ORDER } from '@/lib/docker/grouping';
import { loadInfluxHeadline, resetInfluxSourceForTesting } from '@/lib/metrics/influx-source';
import { readTestbed, type Testbed } from '@/test/support/testbed';
import { inEnglish } from '@/lib/i18n/english';

/**
 * "Swapping hard" from Telegraf's swap input, written into a database of this test's own on the test bed's real
 * InfluxDB 1.6: 20 minutes of a host whose swap is half full but quiet, then 10 minutes reading back 2 MiB/s.
 */
const MINUTE = 60_000;
const STEP_MS = 10_000;
const DATABASE = `swap_${Date.now().toString(36)}`;
const SWAP_IN_RATE = 2 * 1024 ** 2;
const HOST_TAG = 'host=swap-host';

let testbed: Testbed;
const quietUntilMs = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
const startMs = quietUntilMs - 20 * MINUTE;
const endMs = quietUntilMs + 10 * MINUTE;

async function influx(path: string, body?: string): Promise<void> {
  const [user, password] = testbed.influxAdmin.split(':') as [string, string];
  const url = new URL(path, testbed.influxUrl);
  url.searchParams.set('u', user);
  url.searchParams.set('p', password);
  const response = await fetch(url, { method: 'POST', ...(body === undefined ? {} : { body }) });
  if (!response.ok) throw new Error(`InfluxDB ${path}: ${response.status} ${await response.text()}`);
}

function swappedInAt(ms: number): number {
  const base = 40 * 1024 ** 3;
  return ms <= quietUntilMs ? base : base + Math.round(((ms - quietUntilMs) / 1000) * SWAP_IN_RATE);
}

function linesOfTelegraf(): string {
  const lines: string[] = [];
  for (let ms = startMs; ms <= endMs; ms += STEP_MS) {
    const ns = `${ms}000000`;
    lines.push(`mem,${HOST_TAG} used_percent=71.5,used=11500000000i,total=16000000000i ${ns}`);
    lines.push(
      `swap,${HOST_TAG} total=4294967296i,used=2147483648i,free=2147483648i,used_percent=50,` +
        `in=${swappedInAt(ms)}i,out=${swappedInAt(ms) + 1024}i ${ns}`,
    );
  }
  return lines.join('\n');
}

function headlineAt(nowMs: number) {
  return loadInfluxHeadline(
    { project: 'swaptest', serviceOrder: SERVICE_ORDER, nowMs },
    {
      url: testbed.influxUrl,
      database: DATABASE,
      token: testbed.influxAdmin,
      language: 'influxql',
      timeoutMs: 5_000,
    },
  );
}

beforeAll(async () => {
  testbed = readTestbed();
  await influx(`/query?q=${encodeURIComponent(`CREATE DATABASE "${DATABASE}"`)}`);
  await influx(`/write?db=${DATABASE}&precision=ns`, linesOfTelegraf());
});

afterAll(async () => {
  await influx(`/query?q=${encodeURIComponent(`DROP DATABASE "${DATABASE}"`)}`);
});

beforeEach(() => resetInfluxSourceForTesting());

describe('swap-in from Telegraf, on a real InfluxDB 1.6', () => {
  it('reads a half-full but quiet swap as no swap-in, and no finding', async () => {
    const headline = await headlineAt(quietUntilMs + 1);
    expect(headline.swapIn?.value).toBe(0);
    expect(memoryFindings(headline, quietUntilMs + 1, STEP_MS)).toEqual([]);
  });

  it('reads 2 MiB/s swapped back in after five minutes of it, and warns that the host swaps hard', async () => {
    const nowMs = quietUntilMs + 7 * MINUTE + 1;
    const headline = await headlineAt(nowMs);
    // The five newest complete minutes all hold the steady rate; the minute still filling is left out.
    expect(headline.swapIn?.value).toBeCloseTo(SWAP_IN_RATE, 3);
    expect(headline.swapIn?.atMs).toBe(quietUntilMs + 6 * MINUTE);
    expect(SWAP_IN_RATE).toBeGreaterThan(SWAP_IN_HARD_BYTES_PER_SECOND);
    const findings = memoryFindings(headline, nowMs, STEP_MS);
    expect(findings.map((finding) => finding.key)).toEqual(['host.swapping']);
    expect(inEnglish(findings[0]!.evidence)).toMatch(/^2\.0 MiB\/s read back from swap .*RAM 72 % used/);
  });
});
