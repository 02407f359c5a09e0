import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';

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
      text('vitals.errors.postgres.timeout.title'),
      text('vitals.errors.postgres.timeout.detail', { where, message }),
      text('vitals.errors.postgres.timeout.fix'),
    );
  }
  // A host name that does not resolve is not a stopped database: in a container it means the dashboard
  // is not on the network where db lives.
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new AppError(
      'postgres_unreachable',
      text('vitals.errors.postgres.notFound.title'),
      text('vitals.errors.postgres.notFound.detail', { where, code }),
      text('vitals.errors.postgres.notFound.fix'),
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
      text('vitals.errors.postgres.down.title'),
      text('vitals.errors.postgres.down.detail', { where, reason: code ?? message }),
      text('vitals.errors.postgres.down.fix'),
    );
  }
  if (code === '28P01' || code === '28000') {
    return new AppError(
      'postgres_refused',
      text('vitals.errors.postgres.login.title'),
      text('vitals.errors.postgres.said', { where, message }),
      text('vitals.errors.postgres.login.fix'),
    );
  }
  if (code === '3D000') {
    return new AppError(
      'postgres_refused',
      text('vitals.errors.postgres.noDatabase.title'),
      text('vitals.errors.postgres.said', { where, message }),
      text('vitals.errors.postgres.noDatabase.fix'),
    );
  }
  if (code === '42P01' || code === '42703') {
    return new AppError(
      'postgres_refused',
      text('vitals.errors.postgres.schema.title'),
      text('vitals.errors.postgres.said', { where, message }),
      text('vitals.errors.postgres.schema.fix'),
    );
  }
  return new AppError(
    'upstream_failed',
    text('vitals.errors.postgres.query.title'),
    text('vitals.errors.postgres.query.detail', { where, message: `${code ? `${code} ` : ''}${message}` }),
  );
}
