import pg from 'pg';

/** The tables a backup's restore is counted on, named here on their own (not taken from the code under test). */
export const COUNTED_TABLES = ['accounts', 'users', 'statuses', 'media_attachments'] as const;

/** One connection for `work`, always closed after it. */
export async function withPostgres<T>(settings: pg.ClientConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(settings);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The rows of Mastodon's main tables in one database, counted as an admin would with psql. */
export function countMastodonRows(settings: pg.ClientConfig): Promise<Record<string, number>> {
  return withPostgres(settings, async (client) => {
    const result: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      result[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    }
    return result;
  });
}
