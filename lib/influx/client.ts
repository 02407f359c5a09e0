import 'server-only';

import { InfluxDB } from '@influxdata/influxdb-client';

import { getConfig, type Config } from '../config';
import { AppError } from '../errors';
import { text as msg } from '../i18n/text';

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
      msg('graphs.errors.influx.timeout.title'),
      msg('graphs.errors.influx.timeout.detail', { where, seconds: config.timeoutMs / 1000 }),
      msg('graphs.errors.influx.timeout.fix'),
    );
  }
  const reason = code ?? (cause as { cause?: { message?: string } } | undefined)?.cause?.message;
  const what =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown_host' : code === 'ECONNREFUSED' ? 'refused' : 'other';
  return new AppError(
    'influx_unreachable',
    msg('graphs.errors.influx.unreachable.title'),
    msg('graphs.errors.influx.unreachable.detail', { where, what, reason: reason ? ` (${reason})` : '' }),
    msg('graphs.errors.influx.unreachable.fix'),
  );
}

function authRefused(config: InfluxConfig, status: number): AppError {
  return new AppError(
    'influx_auth_refused',
    msg('graphs.errors.influx.auth.title'),
    msg('graphs.errors.influx.auth.detail', {
      where: displayUrl(config),
      status: String(status),
      token: config.token ? 'set' : 'unset',
    }),
    msg('graphs.errors.influx.auth.fix'),
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
      msg('graphs.errors.influx.ping.title'),
      msg('graphs.errors.influx.ping.detail', { where: displayUrl(config), status: String(response.status) }),
    );
  }
  return parseInfluxVersion(response.headers.get('x-influxdb-version'));
}

function databaseMissing(config: InfluxConfig, kind: 'bucket' | 'database', name: string): AppError {
  return new AppError(
    'influx_not_found',
    msg('graphs.errors.influx.missing.title', { kind, name }),
    msg('graphs.errors.influx.missing.detail', { where: displayUrl(config), kind, name }),
    kind === 'bucket' ? msg('graphs.errors.influx.missing.fixBucket') : msg('graphs.errors.influx.missing.fixDatabase'),
  );
}

/** Classifies an error message InfluxDB put in a 200 or 4xx body. */
export function influxErrorFromMessage(config: InfluxConfig, message: string): AppError {
  const database = /database not found:?\s*"?([^"\s]*)"?/i.exec(message);
  if (database) return databaseMissing(config, 'database', database[1] || config.database);
  // 1.x answers a non-admin user this way whether the database is missing or merely not granted.
  const notGranted = /requires READ on "?([^"\s]+)"?/i.exec(message);
  if (notGranted) {
    return new AppError(
      'influx_not_found',
      msg('graphs.errors.influx.notGranted.title', { name: notGranted[1]! }),
      msg('graphs.errors.influx.notGranted.detail', { where: displayUrl(config), name: notGranted[1]! }),
      msg('graphs.errors.influx.notGranted.fix', { name: notGranted[1]! }),
    );
  }
  const bucket = /bucket "?([^"\s]+)"? not found|could not find bucket "?([^"\s]+)"?/i.exec(message);
  if (bucket) return databaseMissing(config, 'bucket', bucket[1] ?? bucket[2] ?? '');
  if (/authorization|unauthorized|authentication|not authorized|invalid token/i.test(message))
    return authRefused(config, 401);
  return new AppError('upstream_failed', msg('graphs.errors.influx.rejected.title'), message.slice(0, 300));
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
      msg('graphs.errors.influx.unreadable.title'),
      msg('graphs.errors.influx.unreadable.detail', { where: displayUrl(config), status: String(response.status) }),
    );
  }
  if (response.status === 401) throw authRefused(config, response.status);
  // A 403 may be a missing READ grant, which its message names.
  if (body.error) throw influxErrorFromMessage(config, body.error);
  if (response.status === 403) throw authRefused(config, response.status);
  if (!response.ok)
    throw new AppError(
      'upstream_failed',
      msg('graphs.errors.influx.rejected.title'),
      msg('graphs.errors.influx.rejected.detail', {
        where: `${displayUrl(config)}/query`,
        status: String(response.status),
      }),
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
      msg('graphs.errors.influx.noBucket.title'),
      msg('graphs.errors.influx.noBucket.detail'),
      msg('graphs.errors.influx.noBucket.fix'),
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
        msg('graphs.errors.influx.rejectedFlux.title'),
        msg('graphs.errors.influx.rejected.detail', {
          where: `${displayUrl(config)}/api/v2/query`,
          status: String(status),
        }),
      );
    throw unreachable(config, error);
  }
}
