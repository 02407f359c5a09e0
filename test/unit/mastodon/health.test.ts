import { describe, expect, it } from 'vitest';

import { migrationVersions } from '@/lib/mastodon/health';

describe('migration files', () => {
  it('takes the 14-digit versions of .rb files, once each, sorted', () => {
    expect(
      migrationVersions(
        [
          '20240307180905_migrate_devise_two_factor_secrets.rb',
          '20221104133904_add_x.rb',
          'README',
          '2024_bad.rb',
          '20221104133904_add_x.rb',
          '.keep',
          '',
        ].join('\n'),
      ),
    ).toEqual(['20221104133904', '20240307180905']);
  });

  it('ignores ls noise and directories', () => {
    expect(migrationVersions('/opt/mastodon/db/migrate:\n20250627132728_create_fasp.rb\n\n')).toEqual([
      '20250627132728',
    ]);
  });
});
