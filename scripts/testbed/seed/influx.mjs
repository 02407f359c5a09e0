#!/usr/bin/env node
// Seeds the test bed's InfluxDB 1.6 with eight days of Telegraf-shaped data (scripts/testbed/seed/telegraf-model.mjs).
// Env: INFLUX_URL, INFLUX_ADMIN_USER, INFLUX_ADMIN_PASS, PROJECTS (default "mdtest mdother mdtest-staging"),
//      INFLUX_SEED_FILE (default /run/mastodash-testbed/influx-seed.json).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  DEFAULT_PROJECTS,
  FIELD_TYPES,
  SEED_COARSE_STEP_MS,
  SEED_DATABASE,
  SEED_FINE_SPAN_MS,
  SEED_MARKER_MEASUREMENT,
  SEED_SPAN_MS,
  SEED_STEP_MS,
  alignAnchor,
  createTelegrafModel,
} from './telegraf-model.mjs';
import { formatField, linePrefix } from './line-protocol.mjs';

const BATCH_LINES = 5000;
const PARALLEL_WRITES = 4;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see scripts/testbed/README.md for the test bed's values)`);
  return value;
}

const influxUrl = requireEnv('INFLUX_URL').replace(/\/+$/, '');
const credentials = `${requireEnv('INFLUX_ADMIN_USER')}:${requireEnv('INFLUX_ADMIN_PASS')}`;
const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
const projects = (process.env.PROJECTS ?? DEFAULT_PROJECTS.join(' ')).split(/\s+/).filter(Boolean);
const seedFile = process.env.INFLUX_SEED_FILE ?? '/run/mastodash-testbed/influx-seed.json';

async function influxql(statement) {
  const response = await fetch(`${influxUrl}/query`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: statement }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`InfluxDB ${influxUrl} refused "${statement}": HTTP ${response.status} ${text.trim()}`);
  const body = JSON.parse(text);
  const failed = body.results?.find((r) => r.error);
  if (failed) throw new Error(`InfluxDB ${influxUrl} refused "${statement}": ${failed.error}`);
  return body.results ?? [];
}

async function writeLines(body) {
  const response = await fetch(`${influxUrl}/write?db=${SEED_DATABASE}&precision=ms`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'text/plain; charset=utf-8' },
    body,
  });
  if (response.status !== 204) {
    throw new Error(
      `InfluxDB ${influxUrl} rejected a batch: HTTP ${response.status} ${(await response.text()).trim()}`,
    );
  }
}

/** Yields line-protocol batches, oldest timestamps first. */
function* batches(model) {
  const prepared = model.series.map((s) => ({
    series: s,
    prefix: linePrefix(s),
    types: Object.entries(FIELD_TYPES[s.measurement]),
  }));
  let lines = [];
  for (const t of model.timestamps()) {
    for (const { series, prefix, types } of prepared) {
      if (!model.isSeeded(series.key, t)) continue;
      const fields = model.fieldsAt(series.key, t);
      const parts = [];
      for (const [name, type] of types)
        if (fields[name] !== undefined) parts.push(formatField(name, type, fields[name]));
      lines.push(`${prefix}${parts.join(',')} ${t}`);
    }
    if (lines.length >= BATCH_LINES) {
      yield lines;
      lines = [];
    }
  }
  if (lines.length > 0) yield lines;
}

async function main() {
  const began = performance.now();
  await influxql(`DROP DATABASE "${SEED_DATABASE}"`);
  await influxql(`CREATE DATABASE "${SEED_DATABASE}"`);
  const users = await influxql('SHOW USERS');
  const userNames = (users[0]?.series?.[0]?.values ?? []).map((row) => row[0]);
  if (userNames.includes('dashboard')) await influxql(`GRANT READ ON "${SEED_DATABASE}" TO "dashboard"`);

  const anchorMs = alignAnchor(Date.now());
  const model = createTelegrafModel({ anchorMs, projects });

  let points = 0;
  const inFlight = new Set();
  for (const lines of batches(model)) {
    points += lines.length;
    const write = writeLines(lines.join('\n')).finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= PARALLEL_WRITES) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  // Written last, so a present marker means the whole span made it in.
  await writeLines(
    `${SEED_MARKER_MEASUREMENT} anchor_ms=${anchorMs}i,span_ms=${SEED_SPAN_MS}i,fine_span_ms=${SEED_FINE_SPAN_MS}i,` +
      `step_ms=${SEED_STEP_MS}i,coarse_step_ms=${SEED_COARSE_STEP_MS}i,projects="${projects.join(' ')}" ${anchorMs}`,
  );
  points += 1;

  const seconds = (performance.now() - began) / 1000;
  const summary = {
    database: SEED_DATABASE,
    anchorMs,
    anchor: new Date(anchorMs).toISOString(),
    projects,
    spanMs: SEED_SPAN_MS,
    fineSpanMs: SEED_FINE_SPAN_MS,
    stepMs: SEED_STEP_MS,
    coarseStepMs: SEED_COARSE_STEP_MS,
    series: model.series.length,
    points,
    seconds: Number(seconds.toFixed(1)),
  };
  await mkdir(dirname(seedFile), { recursive: true });
  await writeFile(seedFile, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `influx seed: ${points} points in ${model.series.length} series (${projects.join(', ')}), anchor ` +
      `${summary.anchor}, ${summary.seconds} s`,
  );
}

main().catch((error) => {
  console.error(`influx seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
