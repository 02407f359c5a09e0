import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { listProjectContainers } from '@/lib/docker/containers';
import { SERVICE_ORDER } from '@/lib/docker/grouping';
import { resolveProjectContainer } from '@/lib/docker/restart';
import { recentLogLines } from '@/lib/docker/logs';
import { currentProjectContainers } from '@/lib/live';
import { loadInfluxGraphs, resetInfluxSourceForTesting } from '@/lib/metrics/influx-source';
import { linePrefix, formatField } from '@/scripts/testbed/seed/line-protocol.mjs';
import {
  alignAnchor,
  createTelegrafModel,
  FIELD_TYPES,
  SERVICES,
  type Measurement,
} from '@/scripts/testbed/seed/telegraf-model.mjs';
import { readTestbed, readTestbedShapes } from '../../support/testbed';
import { inEnglish } from '@/lib/i18n/english';

/**
 * mdtest and mdtest-staging: two compose projects whose names share a prefix. Nothing of one may appear in the
 * other: its containers, the logs and restart targets (found by the exact project label), and the graphs when
 * Telegraf collects no labels and containers are matched by name, which took in mdtest-staging-* for mdtest
 * while the name regex was ^mdtest[-_].
 */
const testbed = readTestbed();
const shapes = readTestbedShapes();
const HOUR_MS = 3_600_000;
// A database of this test's own, so that the shared seed is left alone: both projects without labels.
const DATABASE = 'mastodash_prefix_test';
const [adminUser = '', adminPass = ''] = testbed.influxAdmin.split(':');
const adminAuth = `Basic ${Buffer.from(`${adminUser}:${adminPass}`).toString('base64')}`;

async function influxql(statement: string): Promise<void> {
  const response = await fetch(`${testbed.influxUrl}/query`, {
    method: 'POST',
    headers: { authorization: adminAuth },
    body: new URLSearchParams({ q: statement }),
  });
  const body = await response.text();
  if (!response.ok || body.includes('"error"')) throw new Error(`${statement}: HTTP ${response.status} ${body}`);
}

function configure(project: string): void {
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: project } }));
}

let anchorMs = 0;

beforeAll(async () => {
  anchorMs = alignAnchor(Date.now());
  const model = createTelegrafModel({ anchorMs, projects: [testbed.project, shapes.stagingProject] });
  const lines: string[] = [];
  for (const series of model.series) {
    const tags = Object.fromEntries(
      Object.entries(series.tags).filter(([key]) => !key.startsWith('com.docker.compose.')),
    );
    const prefix = linePrefix({ measurement: series.measurement, tags });
    const types = Object.entries(FIELD_TYPES[series.measurement as Measurement]);
    for (let t = anchorMs - HOUR_MS; t <= anchorMs; t += 10_000) {
      if (!model.isSeeded(series.key, t)) continue;
      const fields = model.fieldsAt(series.key, t);
      const parts = types
        .filter(([name]) => fields[name] !== undefined)
        .map(([name, type]) => formatField(name, type, fields[name]!));
      lines.push(`${prefix}${parts.join(',')} ${t}`);
    }
  }
  await influxql(`DROP DATABASE "${DATABASE}"`);
  await influxql(`CREATE DATABASE "${DATABASE}"`);
  for (let start = 0; start < lines.length; start += 5_000) {
    const response = await fetch(`${testbed.influxUrl}/write?db=${DATABASE}&precision=ms`, {
      method: 'POST',
      headers: { authorization: adminAuth },
      body: lines.slice(start, start + 5_000).join('\n'),
    });
    if (!response.ok) throw new Error(`write: HTTP ${response.status} ${await response.text()}`);
  }
});

afterAll(async () => {
  setConfigForTesting(undefined);
  resetInfluxSourceForTesting();
  await influxql(`DROP DATABASE "${DATABASE}"`);
});

describe('mdtest and mdtest-staging stay apart', () => {
  it('in the container lists, both ways', async () => {
    for (const project of [testbed.project, shapes.stagingProject]) {
      configure(project);
      const listed = await listProjectContainers();
      expect(listed.map((c) => c.name).sort()).toEqual(SERVICES.map((service) => `${project}-${service}-1`).sort());
      const live = await currentProjectContainers();
      expect(live.map((c) => c.name).sort()).toEqual(SERVICES.map((service) => `${project}-${service}-1`).sort());
    }
  });

  it('as logs and restart targets: the other project’s container is not found', async () => {
    configure(testbed.project);
    await expect(resolveProjectContainer(`${shapes.stagingProject}-web-1`)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(recentLogLines(`${shapes.stagingProject}-web-1`, { tail: 5 })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await resolveProjectContainer(`${testbed.project}-web-1`)).name).toBe(`${testbed.project}-web-1`);
    configure(shapes.stagingProject);
    await expect(resolveProjectContainer(`${testbed.project}-web-1`)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('in graphs matched by name (Telegraf without labels): mdtest gets its 5 services, none of staging', async () => {
    const range = { preset: '1h' as const, fromMs: anchorMs - HOUR_MS, toMs: anchorMs + 1, intervalMs: 60_000 };
    const config = {
      url: testbed.influxUrl,
      database: DATABASE,
      token: testbed.influxAdmin,
      language: 'influxql' as const,
      timeoutMs: 5_000,
    };
    for (const project of [testbed.project, shapes.stagingProject]) {
      resetInfluxSourceForTesting();
      const graphs = await loadInfluxGraphs(range, { project, serviceOrder: SERVICE_ORDER, withNetwork: true }, config);
      expect(graphs.notices.map((notice) => inEnglish(notice.text)).join(' ')).toContain('matched by name');
      for (const id of ['service-memory', 'service-cpu'] as const) {
        const keys = graphs.charts.find((chart) => chart.id === id)?.series.map((series) => series.key);
        expect(keys?.sort(), `${project} ${id}`).toEqual([...SERVICES].sort());
      }
    }
  });
});
