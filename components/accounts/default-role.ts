import type { RoleView } from '@/lib/mastodon/accounts';

/** The role Mastodon seeds with the administrator bit; typed in when the roles could not be read. */
const SEEDED_OWNER_ROLE = 'Owner';

/**
 * The role the form starts with: an Owner, as lib/mastodon/owner-role.ts defines one (the administrator bit,
 * whatever the role's name). `roles` comes highest first, so this is the highest such role.
 */
export function defaultRoleName(roles: readonly RoleView[] | undefined): string {
  return (roles?.find((role) => role.administrator) ?? roles?.[0])?.name ?? SEEDED_OWNER_ROLE;
}
