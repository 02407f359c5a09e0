import 'server-only';

import { InfluxDB } from '@influxdata/influxdb-client';

import { getConfig, type Config } from '../config';
import { AppError } from '../errors';

/**
 * The InfluxDB backend: /ping for the version, InfluxQL over the v1 /query endpoint (1.x, 2.x through
 * DBRP, 3 Core), and Flux through @influxdata/influxdb-client (2.x, 1.8+). Every call times out after
 * INFLUX_TIMEOUT_MS, and every failure becomes an AppError that says which of unreachable, auth
 * refused, database or bucket missing it is.
 */

type InfluxConfig = Config['influx'];

export interface InfluxServer {
  /** As the server reports it in X-Influxdb-Version, e.g. "1.6.7~rc0", "v2.7.11", "3.2.0". */
  version: string;
  major: number;
  minor: number;
}

/** The URL without credentials or trailing slash, for messages. */
function displayUrl(config: InfluxConfig): string {
  const url = new URL(config.url ?? '');
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}

/** user:password (1.x) goes as Basic auth, which 2.x's v1 compatibility also accepts; anything else is a token. */
function authorizationHeader(token: string | undefined): Record<string, string> {
  if (!token) return {};
  if (token.includes(':')) return { authorization: `Basic ${Buffer.from(token).toString('base64')}` };
  return { authorization: `Token ${token}` };
}

export function parseInfluxVersion(header: string | null): InfluxServer {
  const version = (header ?? '').trim();
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  if (!match) return { version: version || 'unknown', major: 0, minor: 0 };
  return { version, major: Number(match[1]), minor: Number(match[2]) };
}

function unreachable(config: InfluxConfig, cause: unknown): AppError {
  const where = displayUrl(config);
  const code =
    (cause as { cause?: { code?: string } } | undefined)?.cause?.code ?? (cause as { code?: string } | undefined)?.code;
  if (
    cause instanceof Error &&
    (cause.name === 'TimeoutError' || cause.name === 'AbortError' || /timeout/i.test(cause.message))
  ) {
    return new AppError(
      'influx_unreachable',
      'InfluxDB is not answering',
      `${where} did not answer within ${config.timeoutMs / 1000} s.`,
      'Check that InfluxDB is running and not overloaded (docker logs of the influxdb' +
        ' container), or raise INFLUX_TIMEOUT_MS.',
    );
  }
  const reason = code ?? (cause as { cause?: { message?: string } } | undefined)?.cause?.message;
  const what =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'is an unknown host name'
      : code === 'ECONNREFUSED'
        ? 'refused the connection'
        : 'could not be reached';
  return new AppError(
    'influx_unreachable',
    'InfluxDB is unreachable',
    `${where} ${what}${reason ? ` (${reason})` : ''}.`,
    'Start InfluxDB, or correct INFLUX_URL. In a container, the dashboard must share a network with InfluxDB.',
  );
}

function authRefused(config: InfluxConfig, status: number): AppError {
  return new AppError(
    'influx_auth_refused',
    'InfluxDB refused the credentials',
    `${displayUrl(config)} answered HTTP ${status}: ${
      config.token ? 'INFLUX_TOKEN was not accepted' : 'it requires' + ' authentication and INFLUX_TOKEN is not set'
    }.`,
    'Set INFLUX_TOKEN to a token with read access (2.x, 3), or to user:password of a user with' +
      ' READ on the database (1.x).',
  );
}

/** Reads /ping; this needs no credentials on any version, so it tells "down" from "refused". */
export async function pingInflux(config: InfluxConfig = getConfig().influx): Promise<InfluxServer> {
  let response: Response;
  try {
    response = await fetch(`${displayUrl(config)}/ping`, { signal: AbortSignal.timeout(config.timeoutMs) });
  } catch (error) {
    throw unreachable(config, error);
  }
  await response.body?.cancel();
  if (response.status === 401 || response.status === 403) throw authRefused(config, response.status);
  if (!response.ok) {
    throw new AppError(
      'upstream_failed',
      'InfluxDB answered /ping with an error',
      `${displayUrl(config)}/ping returned HTTP ${response.status}.`,
    );
  }
  return parseInfluxVersion(response.headers.get('x-influxdb-version'));
}

function databaseMissing(config: InfluxConfig, what: string): AppError {
  return new AppError(
    'influx_not_found',
    `InfluxDB has no ${what}`,
    `${displayUrl(config)} has no ${what}.`,
    what.startsWith('bucket')
      ? "Set INFLUX_BUCKET to the bucket Telegraf's [[outputs.influxdb_v2]] writes to, and" +
          ' INFLUX_ORG to its organisation.'
      : "Set INFLUX_DB to the database Telegraf's [[outputs.influxdb]] writes to (on 2.x: a" +
          ' bucket with a DBRP mapping).',
  );
}

/** Classifies an error message InfluxDB put in a 200 or 4xx body. */
export function influxErrorFromMessage(config: InfluxConfig, message: string): AppError {
  const database = /database not found:?\s*"?([^"\s]*)"?/i.exec(message);
  if (database) return databaseMissing(config, `database "${database[1] || config.database}"`);
  // 1.x answers a non-admin user this way whether the database is missing or merely not granted.
  const notGranted = /requires READ on "?([^"\s]+)"?/i.exec(message);
  if (notGranted) {
    return new AppError(
      'influx_not_found',
      `InfluxDB has no database "${notGranted[1]}" this user may read`,
      `${displayUrl(config)} refused to read "${notGranted[1]}": the database does not exist, or the user in` +
        ` INFLUX_TOKEN has no READ grant on it.`,
      `Set INFLUX_DB to the database Telegraf writes to, or grant it: GRANT READ ON "${notGranted[1]}" TO "<user>".`,
    );
  }
  const bucket = /bucket "?([^"\s]+)"? not found|could not find bucket "?([^"\s]+)"?/i.exec(message);
  if (bucket) return databaseMissing(config, `bucket "${bucket[1] ?? bucket[2]}"`);
  if (/authorization|unauthorized|authentication|not authorized|invalid token/i.test(message))
    return authRefused(config, 401);
  return new AppError('upstream_failed', 'InfluxDB rejected the query', message.slice(0, 300));
}

export interface InfluxqlResult {
  statement_id?: number;
  error?: string;
  series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values?: unknown[][] }>;
}

const NOT_EXECUTED = 'not executed';

/** Runs InfluxQL statements in one /query request (epoch=ms) and returns the results in statement order. */
export async function queryInfluxql(
  statements: readonly string[],
  config: InfluxConfig = getConfig().influx,
): Promise<InfluxqlResult[]> {
  const url = new URL(`${displayUrl(config)}/query`);
  url.searchParams.set('db', config.database);
  url.searchParams.set('epoch', 'ms');
  url.searchParams.set('q', statements.join(';\n'));
  let response: Response;
  let text: string;
  try {
    // Uncompressed: InfluxDB usually runs on this host or its LAN, where compressing and unpacking an
    // answer costs more time than its bytes (about 1 ms of the headline's 5 ms query on the test bed).
    response = await fetch(url, {
      headers: { ...authorizationHeader(config.token), 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw unreachable(config, error);
  }
  let body: { results?: InfluxqlResult[]; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    if (response.status === 401 || response.status === 403) throw authRefused(config, response.status);
    throw new AppError(
      'upstream_failed',
      'InfluxDB gave an unreadable answer',
      `HTTP ${response.status} from ${displayUrl(config)}/query was not JSON.`,
    );
  }
  if (response.status === 401) throw authRefused(config, response.status);
  // A 403 may be a missing READ grant, which its message names.
  if (body.error) throw influxErrorFromMessage(config, body.error);
  if (response.status === 403) throw authRefused(config, response.status);
  if (!response.ok)
    throw new AppError(
      'upstream_failed',
      'InfluxDB rejected the query',
      `HTTP ${response.status} from ${displayUrl(config)}/query.`,
    );
  // After a failing statement, InfluxDB marks the rest "not executed"; 1.x even hides a missing database
  // behind "not executed" alone when there are several statements, so the first one is asked on its own.
  const failed =
    body.results?.find((result) => result.error && result.error !== NOT_EXECUTED) ??
    body.results?.find((result) => result.error);
  if (failed?.error === NOT_EXECUTED && statements.length > 1) await queryInfluxql(statements.slice(0, 1), config);
  if (failed?.error) throw influxErrorFromMessage(config, failed.error);
  return body.results ?? [];
}

/** Runs one Flux query through the v2 API and returns its annotated CSV. */
export async function queryFlux(query: string, config: InfluxConfig = getConfig().influx): Promise<string> {
  if (!config.bucket) {
    throw new AppError(
      'invalid_input',
      'Flux needs a bucket',
      'INFLUX_QUERY_LANGUAGE=flux, but INFLUX_BUCKET is not set.',
      'Set INFLUX_BUCKET and INFLUX_ORG, or use INFLUX_QUERY_LANGUAGE=influxql.',
    );
  }
  const client = new InfluxDB({ url: displayUrl(config), token: config.token, timeout: config.timeoutMs });
  try {
    return await client.getQueryApi({ org: config.org ?? '', gzip: false }).queryRaw(query);
  } catch (error) {
    const status = (error as { statusCode?: number } | undefined)?.statusCode;
    if (status === 401 || status === 403) throw authRefused(config, status);
    const body = (error as { body?: string } | undefined)?.body;
    if (status !== undefined && body) {
      let message = body;
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {
        // Not JSON: keep the text.
      }
      throw influxErrorFromMessage(config, message);
    }
    if (status !== undefined)
      throw new AppError(
        'upstream_failed',
        'InfluxDB rejected the Flux query',
        `HTTP ${status} from ${displayUrl(config)}/api/v2/query.`,
      );
    throw unreachable(config, error);
  }
}
