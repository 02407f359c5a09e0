import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseEnvFile } from '@/lib/config/env-file';
import { DASHBOARD_KEYS } from '@/lib/config/keys';

describe('.env.example', () => {
  const text = readFileSync('.env.example', 'utf8');

  it('documents every configuration key with an explanation and its default', () => {
    for (const [key, spec] of Object.entries(DASHBOARD_KEYS)) {
      const line = new RegExp(`^#? ?${key}=(.*)$`, 'm').exec(text);
      expect(line, `${key} is missing from .env.example`).not.toBeNull();
      const documented = 'defaultValue' in spec ? `${key}=${spec.defaultValue}` : `# ${key}=`;
      expect(text, `${key} should show its default`).toContain(documented);
      const before = text.slice(0, line!.index).trimEnd().split('\n').at(-1) ?? '';
      expect(before.startsWith('#') && before.length > 10, `${key} needs a one-line explanation above it`).toBe(true);
    }
  });

  it('lists no key the code does not read', () => {
    const documented = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    const known = new Set(Object.keys(DASHBOARD_KEYS));
    expect(documented.filter((key) => key && !known.has(key))).toEqual([]);
  });

  it('is itself a valid env file', () => {
    expect(parseEnvFile(text).malformedLines).toEqual([]);
  });
});
