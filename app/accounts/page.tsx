import { AccountsPanel } from '@/components/accounts/accounts-panel';
import { requireSession } from '@/lib/auth/guard';
import { listOwners, listRoles } from '@/lib/mastodon/accounts';
import { runPanel } from '@/lib/panels/panel';
import { text } from '@/lib/i18n/text';

// Always rendered per request: nothing of this page is cached, and no password is ever part of it.
export const dynamic = 'force-dynamic';

export default async function AccountsPage() {
  await requireSession();
  const [roles, owners] = await Promise.all([
    runPanel(text('errors.panels.roles'), 5_000, listRoles),
    runPanel(text('errors.panels.owners'), 5_000, listOwners),
  ]);
  return (
    <AccountsPanel
      roles={roles.ok ? roles.data : undefined}
      rolesError={roles.ok ? undefined : roles.error}
      owners={owners.ok ? owners.data : undefined}
      ownersError={owners.ok ? undefined : owners.error}
    />
  );
}
