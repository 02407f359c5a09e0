import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Where `scripts/testbed/up.sh` writes the connection settings of the services it started. */
export const TESTBED_ENV_FILE = '/run/mastodash-testbed/testbed.env';

export interface Testbed {
  dockerHost: string;
  pgUrl43: string;
  pgUrl44: string;
  redisUrl: string;
  influxUrl: string;
  /** user:password of the read-only InfluxDB user (the dashboard's INFLUX_TOKEN). */
  influxReader: string;
  /** user:password of the InfluxDB admin. */
  influxAdmin: string;
  project: string;
  otherProject: string;
  mastodonDir: string;
  webPort: number;
}

function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values.set(match[1], match[2].replace(/^'(.*)'$/, '$1'));
  }
  return values;
}

/** Reads the running test bed; throws (failing the run loudly) when it is not up. */
export function readTestbed(): Testbed {
  let text: string;
  try {
    text = readFileSync(TESTBED_ENV_FILE, 'utf8');
  } catch {
    throw new Error(`The test bed is not running (${TESTBED_ENV_FILE} missing). Start it: bash scripts/testbed/up.sh`);
  }
  const env = parseEnvFile(text);
  const need = (key: string): string => {
    const value = env.get(key);
    if (!value) throw new Error(`${TESTBED_ENV_FILE} lacks ${key}; re-run bash scripts/testbed/up.sh`);
    return value;
  };
  return {
    dockerHost: need('TESTBED_DOCKER_HOST'),
    pgUrl43: need('TESTBED_PG_URL_43'),
    pgUrl44: need('TESTBED_PG_URL_44'),
    redisUrl: need('TESTBED_REDIS_URL'),
    influxUrl: need('TESTBED_INFLUX_URL'),
    influxReader: need('TESTBED_INFLUX_READER'),
    influxAdmin: need('TESTBED_INFLUX_ADMIN'),
    project: need('TESTBED_PROJECT'),
    otherProject: need('TESTBED_OTHER_PROJECT'),
    mastodonDir: need('TESTBED_MASTODON_DIR'),
    webPort: Number(need('TESTBED_WEB_PORT')),
  };
}

/** The dashboard's settings for the test bed's Mastodon web and streaming stand-ins and its InfluxDB. */
export function testbedBackendsEnv(testbed: Testbed): Record<string, string> {
  return {
    MASTODON_WEB_URL: `http://127.0.0.1:${testbed.webPort}`,
    MASTODON_STREAMING_URL: `http://127.0.0.1:${testbed.webPort + 1000}`,
    INFLUX_URL: testbed.influxUrl,
    INFLUX_TOKEN: testbed.influxReader,
  };
}

/**
 * The dashboard's settings for a compose project a test started for itself (`scripts/testbed/project.sh up NAME`):
 * its directory, its web and streaming stand-ins' ports (`web.port`), and the test bed's InfluxDB.
 */
export function ownProjectEnv(testbed: Testbed, project: string): Record<string, string> {
  const dir = path.join(path.dirname(testbed.mastodonDir), project);
  const webPort = Number(readFileSync(path.join(dir, 'web.port'), 'utf8').trim());
  return {
    COMPOSE_PROJECT: project,
    MASTODON_DIR: dir,
    MASTODON_WEB_URL: `http://127.0.0.1:${webPort}`,
    MASTODON_STREAMING_URL: `http://127.0.0.1:${webPort + 1000}`,
    INFLUX_URL: testbed.influxUrl,
    INFLUX_TOKEN: testbed.influxReader,
  };
}

/**
 * Stops, starts, freezes (SIGSTOP) or thaws one test-bed backend through scripts/testbed/service.sh;
 * start and thaw wait until it answers.
 */
export async function testbedService(
  action: 'stop' | 'start' | 'freeze' | 'thaw',
  service: 'dockerd' | 'postgres' | 'redis' | 'influxdb',
): Promise<void> {
  await promisify(execFile)('bash', ['scripts/testbed/service.sh', action, service], { timeout: 120_000 });
}

/** The test bed's deployment shapes besides mdtest and mdother (scripts/testbed/README.md, "Deployment shapes"). */
export interface TestbedShapes {
  /** web and streaming on the host network with PORT/BIND of their own (3300 and 4300 on 127.0.0.1). */
  hostEnvProject: string;
  /** web and streaming on compose bridge networks, publishing no ports. */
  bridgeProject: string;
  /** A project whose name starts with the main project's (mdtest-staging). */
  stagingProject: string;
}

export function readTestbedShapes(): TestbedShapes {
  const env = parseEnvFile(readFileSync(TESTBED_ENV_FILE, 'utf8'));
  const need = (key: string): string => {
    const value = env.get(key);
    if (!value) throw new Error(`${TESTBED_ENV_FILE} lacks ${key}; re-run bash scripts/testbed/up.sh`);
    return value;
  };
  return {
    hostEnvProject: need('TESTBED_HOST_ENV_PROJECT'),
    bridgeProject: need('TESTBED_BRIDGE_PROJECT'),
    stagingProject: need('TESTBED_STAGING_PROJECT'),
  };
}
