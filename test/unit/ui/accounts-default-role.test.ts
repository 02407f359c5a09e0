import { describe, expect, it } from 'vitest';

import { defaultRoleName } from '@/components/accounts/default-role';
import type { RoleView } from '@/lib/mastodon/accounts';

const role = (name: string, position: number, administrator: boolean): RoleView => ({
  id: String(position),
  name,
  position,
  administrator,
});

describe('the role the account form starts with', () => {
  it('is the seeded Owner on a fresh server', () => {
    const roles = [role('Owner', 1000, true), role('Admin', 100, false), role('Moderator', 10, false)];
    expect(defaultRoleName(roles)).toBe('Owner');
  });

  it('is the highest role with the administrator bit, not a powerless role named Owner', () => {
    const roles = [role('Owner', 1000, false), role('Proprietor', 900, true), role('Admin', 100, false)];
    expect(defaultRoleName(roles)).toBe('Proprietor');
  });

  it('is the highest role when none holds the bit, and the seeded name when the roles are unknown', () => {
    expect(defaultRoleName([role('Admin', 100, false), role('Moderator', 10, false)])).toBe('Admin');
    expect(defaultRoleName(undefined)).toBe('Owner');
    expect(defaultRoleName([])).toBe('Owner');
  });
});
