import 'server-only';

import { getConfig } from '../config';

/**
 * The role and database Mastodon uses, as .env.production names them (DATABASE_URL wins, as in Rails): the names the
 * restore commands fill in. The backup job and the restore commands read them here; never the password.
 */
export function mastodonDatabase(): { dbUser: string; dbName: string } {
  const target = getConfig().mastodon.postgres;
  if (target.connectionString) {
    const url = new URL(target.connectionString);
    const dbName = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return { dbUser: decodeURIComponent(url.username) || target.user, dbName: dbName || target.database };
  }
  return { dbUser: target.user, dbName: target.database };
}
