import 'server-only';

/**
 * Who counts as an Owner, for every page: a user whose role carries the administrator permission bit.
 *
 * Mastodon never looks at a role's name. In mastodon/mastodon v4.3.17 app/models/user_role.rb,
 * `FLAGS[:administrator]` is `1 << 0`, and `computed_permissions` turns that one bit into every privilege
 * (`Flags::ALL`); the role named Owner is only the seed that carries it (config/roles.yml, `name: Owner`,
 * `permissions: [administrator]`, created by db/seeds/03_roles.rb). Admins can rename that role or give
 * the bit to another role in the roles screen (Admin::RolesController permits `:name` and the permissions),
 * and role names are case-sensitive, so counting the name 'Owner' would miss a renamed Owner and count a
 * powerless role that happens to bear the name. The "everyone" role (id -99) cannot hold the bit
 * (`validate_dangerous_permissions`), so users without a role are never Owners.
 */
export const ADMINISTRATOR_PERMISSION = 1 << 0;

/** SQL that is true when the user_roles row `alias` holds the administrator bit. */
export function ownerRoleCondition(alias: string): string {
  return `(${alias}.permissions & ${ADMINISTRATOR_PERMISSION}) = ${ADMINISTRATOR_PERMISSION}`;
}
