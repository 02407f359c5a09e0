import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';
import {
  factsFor,
  grepMajors,
  MINOR_FACTS,
  officialSidekiqGreps,
  PATCH_FACTS,
  RELEASES,
  type Step,
} from '@/lib/mastodon/version-facts';

function v(text: string): MastodonVersion {
  const version = parseMastodonVersion(text);
  if (!version) throw new Error(text);
  return version;
}

describe('the per-version facts table', () => {
  it('changes its minor facts only at x.y.0 releases, so a minor-only version decides them', () => {
    for (const [name, steps] of Object.entries(MINOR_FACTS)) {
      for (const step of steps as readonly Step<unknown>[]) expect(`${name} ${step.from}`).toMatch(/ \d+\.\d+\.0$/);
    }
  });

  it('cites a release it read for every row, in ascending order', () => {
    for (const [name, steps] of [...Object.entries(MINOR_FACTS), ...Object.entries(PATCH_FACTS)]) {
      const list = steps as readonly Step<unknown>[];
      expect(list.length, name).toBeGreaterThan(0);
      for (const step of list) {
        expect(Object.keys(RELEASES), `${name} ${step.from}`).toContain(step.read.release);
        expect(step.read.path, name).not.toBe('');
      }
      const froms = list.map((step) => step.from.split('.').map(Number));
      for (let i = 1; i < froms.length; i++) {
        const [a, b] = [froms[i - 1]!, froms[i]!];
        expect(a[0]! * 1e6 + a[1]! * 1e3 + a[2]! < b[0]! * 1e6 + b[1]! * 1e3 + b[2]!, name).toBe(true);
      }
    }
  });

  // The supported versions, each with what the real release does (issue 16).
  it.each([
    ['4.0.2', 'modify-after', 'localised-message', 'open', false, 6, ['6']],
    ['4.1.9', 'modify-after', 'localised-message', 'open', false, 6, ['6']],
    ['4.2.7', 'create-flag', 'error-type', 'open', false, 6, ['6']],
    ['4.2.8', 'create-flag', 'error-type', 'none', true, 6, ['6']],
    ['4.2.12', 'create-flag', 'error-type', 'none', true, 6, ['6']],
    ['4.3.17', 'create-flag', 'error-type', 'none', true, 6, ['6']],
    ['4.4.3', 'create-flag', 'error-type', 'none', true, 7, ['7']],
    ['4.4.4', 'create-flag', 'error-type', 'none', true, 7, ['7']],
    ['4.5.0', 'create-flag', 'error-type', 'none', true, 8, ['[78]']],
    ['4.5.15', 'create-flag', 'error-type', 'none', true, 8, ['8']],
  ] as const)(
    '%s: approval %s, errors %s, default %s, auto-switch %s, Sidekiq %i, grep %j',
    (text, approval, errors, mode, autoSwitch, sidekiq, greps) => {
      const facts = factsFor(v(text));
      expect(facts.createApproval).toBe(approval);
      expect(facts.validationErrorText).toBe(errors);
      expect(facts.defaultRegistrationsMode).toEqual({ known: true, value: mode });
      expect(facts.autoSwitchToApproved).toEqual({ known: true, value: autoSwitch });
      expect(facts.sidekiqMajor).toBe(sidekiq);
      expect(officialSidekiqGreps(v(text))).toEqual(greps);
    },
  );

  it('answers "either" for a fact that changes within the minor when the patch is unknown', () => {
    expect(factsFor(v('v4.2')).defaultRegistrationsMode).toEqual({
      known: false,
      either: ['open', 'none'],
      changesAt: ['4.2.8'],
    });
    expect(factsFor(v('v4.2')).autoSwitchToApproved).toEqual({
      known: false,
      either: [false, true],
      changesAt: ['4.2.8'],
    });
    expect(factsFor(v('v4.4')).reservedUsernames.known).toBe(false);
    expect(factsFor(v('v4.3')).defaultRegistrationsMode).toEqual({ known: true, value: 'none' });
    expect(factsFor(v('v4.1')).createApproval).toBe('modify-after');
    // Both 4.5 compose files are right for 4.5: either grep may be the official one.
    expect(officialSidekiqGreps(v('v4.5'))).toEqual(['[78]', '8']);
    expect(grepMajors('[78]')).toEqual([7, 8]);
  });

  it('is the only place in lib/ that decides by version number (no atLeast, no numeric version comparisons)', () => {
    const root = path.resolve(__dirname, '../../../lib');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts') && !full.endsWith(path.join('mastodon', 'version-facts.ts'))) files.push(full);
      }
    };
    walk(root);
    // Mastodon's versions: lib/mastodon and whatever handles a MastodonVersion (InfluxDB has versions of its own).
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!file.includes(`${path.sep}mastodon${path.sep}`) && !text.includes('MastodonVersion')) continue;
      expect(text, file).not.toMatch(
        /\batLeast\(|versionTraits|\.minor\s*[<>]=?\s*\d|\.major\s*[<>]=?\s*\d|\.patch\s*[<>]=?\s*\d/,
      );
    }
  });
});
