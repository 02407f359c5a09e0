import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';

/** Where the dashboard looks for Mastodon's database, without the password. */
export function postgresWhere(): string {
  const target = getConfig().mastodon.postgres;
  return target.connectionString ? 'DATABASE_URL' : `${target.host}:${target.port}/${target.database}`;
}

/** pg's own words for a server-side statement timeout, its client-side query timeout, and a slow connect. */
const TIMEOUT_MESSAGE = new RegExp(
  [
    'statement timeout',
    'query read timeout',
    'timeout exceeded when trying to connect',
    'Connection terminated due to connection timeout',
  ].join('|'),
  'i',
);

/**
 * Turns a failed Postgres call into what the admin needs: down (nothing answers, or too slow), or up but
 * refusing (password, unknown database, not Mastodon's schema), with where and the likely fix.
 */
export function postgresUnavailable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const where = postgresWhere();
  const code = (error as { code?: string } | undefined)?.code;
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /postgres(ql)?:\/\/\S+/g,
    'postgres://…',
  );
  if (code === '57014' || TIMEOUT_MESSAGE.test(message)) {
    return new AppError(
      'postgres_unreachable',
      "Mastodon's Postgres is not answering",
      `${where} did not answer in time (${message}).`,
      'A long query or a lock may be blocking it: ' +
        'check the db container (docker compose logs db) and pg_stat_activity.',
    );
  }
  // A host name that does not resolve is not a stopped database: in a container it means the dashboard
  // is not on the network where db lives.
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new AppError(
      'postgres_unreachable',
      "Mastodon's Postgres cannot be found",
      `${where}: the host name does not resolve here (${code}).`,
      "In a container, the dashboard must join the compose project's internal_network, where db lives " +
        '(deploy/compose.mastodash.yml does). On the host, DB_HOST must be an address, not db.',
    );
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '57P03' ||
    /Connection terminated/i.test(message)
  ) {
    return new AppError(
      'postgres_unreachable',
      "Mastodon's Postgres is down",
      `${where} refused or dropped the connection (${code ?? message}).`,
      'Start the db container (docker compose up -d db). ' +
        "In a container, the dashboard must be on the compose project's internal network, and DB_HOST is db.",
    );
  }
  if (code === '28P01' || code === '28000') {
    return new AppError(
      'postgres_refused',
      "Mastodon's Postgres refused the login",
      `${where}: ${message}.`,
      'Check DB_USER and DB_PASS in .env.production.',
    );
  }
  if (code === '3D000') {
    return new AppError(
      'postgres_refused',
      "Mastodon's database does not exist",
      `${where}: ${message}.`,
      'Check DB_NAME in .env.production.',
    );
  }
  if (code === '42P01' || code === '42703') {
    return new AppError(
      'postgres_refused',
      'This is not the Mastodon schema the dashboard knows',
      `${where}: ${message}.`,
      'Check DB_NAME, and that migrations have run (RAILS_ENV=production bin/rails db:migrate).',
    );
  }
  return new AppError(
    'upstream_failed',
    "Mastodon's Postgres refused the query",
    `${where}: ${code ? `${code} ` : ''}${message}`,
  );
}
