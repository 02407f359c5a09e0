import { describe, expect, it } from 'vitest';

import type { ContainerView } from '@/lib/docker/types';
import { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText, text } from '@/lib/i18n/text';
import { tootctlVersion } from '@/lib/mastodon/accounts';
import {
  firstVersion,
  forgetRunningVersionsForTesting,
  parseVersionRb,
  sourcesFor,
  versionFromInstance,
  type SourceAnswer,
  type VersionSource,
} from '@/lib/mastodon/running-version';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';
import { english, german } from '../../support/rendered-texts';

/**
 * lib/mastodon/version.rb as the releases write it, reduced to the methods read here (glitch-soc/mastodon,
 * which carries the upstream commits: "Bump version to 4.0.2" 03b0f3ac83 and "to 4.0.0rc3" 53028af10e with
 * literal `flags`; 4.1.x with `ENV.fetch('MASTODON_VERSION_FLAGS', '')`; v4.2.0 to v4.5.15 with
 * `default_prerelease`; v4.6.0-rc.1 with default_prerelease 'rc.1').
 */
function versionRb(major: number, minor: number, patch: number, prerelease: string): string {
  const numbers = `    def major\n      ${major}\n    end\n\n    def minor\n      ${minor}\n    end\n\n    def patch\n      ${patch}\n    end\n`;
  return `# frozen_string_literal: true\n\nmodule Mastodon\n  module Version\n    module_function\n\n${numbers}\n${prerelease}\n  end\nend\n`;
}
const literalFlags = (flags: string) => `    def flags\n      '${flags}'\n    end\n\n    def suffix\n      ''\n    end`;
const envFlags = `    def flags\n      ENV.fetch('MASTODON_VERSION_FLAGS', '')\n    end`;
const defaultPrerelease = (value: string) =>
  `    def default_prerelease\n      '${value}'\n    end\n\n    def prerelease\n      version_configuration[:prerelease].presence || default_prerelease\n    end`;

const version = (text: string): MastodonVersion => parseMastodonVersion(text)!;

function container(overrides: Partial<ContainerView>): ContainerView {
  return {
    id: 'c'.repeat(64),
    name: 'm-web-1',
    service: 'web',
    containerNumber: 1,
    image: 'ghcr.io/mastodon/mastodon',
    imageTag: 'v4.3.17',
    state: 'exited',
    health: 'none',
    failingStreak: 0,
    oomKilled: false,
    restartCount: 0,
    ports: [],
    ...overrides,
  };
}

describe('parseVersionRb: the version in lib/mastodon/version.rb', () => {
  it.each([
    ['4.0.2 (literal flags)', versionRb(4, 0, 2, literalFlags('')), '4.0.2'],
    ['4.0.0rc3 (literal flags)', versionRb(4, 0, 0, literalFlags('rc3')), '4.0.0rc3'],
    ['4.1.x (flags from the environment)', versionRb(4, 1, 9, envFlags), '4.1.9'],
    ['4.2.0 to 4.5 (default_prerelease)', versionRb(4, 5, 15, defaultPrerelease('')), '4.5.15'],
    ['4.6.0-rc.1', versionRb(4, 6, 0, defaultPrerelease('rc.1')), '4.6.0-rc.1'],
  ])('%s', (_, text, expected) => {
    expect(parseVersionRb(text)).toEqual({
      ...version(expected.replace(/rc3$/, '')),
      text: expected,
      patchKnown: true,
    });
  });

  it('finds nothing in a file without the three numbers', () => {
    expect(parseVersionRb('')).toBeUndefined();
    expect(
      parseVersionRb(versionRb(4, 3, 0, '').replace(/def patch\n\s*0/, 'def patch\n      ENV["P"]')),
    ).toBeUndefined();
  });
});

describe('versionFromInstance: the `version` of /api/v2/instance and /api/v1/instance', () => {
  it('reads the version, prerelease and build metadata included', () => {
    expect(versionFromInstance('{"domain":"m.example","version":"4.3.17"}')).toEqual(version('4.3.17'));
    expect(versionFromInstance('{"uri":"m.example","version":"4.5.0-beta.1+glitch"}')?.text).toBe(
      '4.5.0-beta.1+glitch',
    );
  });

  it('finds nothing in an answer without one', () => {
    expect(versionFromInstance('<html>')).toBeUndefined();
    expect(versionFromInstance('{"version":42}')).toBeUndefined();
    expect(versionFromInstance('null')).toBeUndefined();
  });
});

describe('firstVersion: each source in order, the first full version wins', () => {
  /** Words of a test source, as a Text that renders them as they are. */
  const words = (message: string) => text('vitals.probe.other', { message });
  type Answer = { version: MastodonVersion; source: string } | { problem: string };

  function sources(answers: (Answer | Error)[], asked: number[]): VersionSource[] {
    return answers.map((answer, index) => ({
      name: words(`source ${index}`),
      lasting: index < answers.length - 1,
      async read(): Promise<SourceAnswer> {
        asked.push(index);
        if (answer instanceof Error) throw answer;
        return 'problem' in answer
          ? { problem: words(answer.problem) }
          : { version: answer.version, from: words(answer.source) };
      },
    }));
  }

  it('asks the next source only when the one before has no version', async () => {
    const asked: number[] = [];
    const result = english(
      await firstVersion(
        sources(
          [
            { problem: 'the instance API at http://web:3000: connection refused' },
            { version: version('4.2.7'), source: 'lib/mastodon/version.rb in m-web-1' },
            { version: version('4.2.9'), source: 'the image label' },
          ],
          asked,
        ),
      ),
    );
    expect(asked).toEqual([0, 1]);
    expect(result).toEqual({
      version: version('4.2.7'),
      source: 'lib/mastodon/version.rb in m-web-1',
      from: 'lib/mastodon/version.rb in m-web-1',
      passedOver: ['the instance API at http://web:3000: connection refused'],
      lasting: true,
    });
  });

  it('does not read a minor-only tag as x.y.0, and lets a later full version win over it', async () => {
    const v42 = version('v4.2');
    expect(v42).toMatchObject({ major: 4, minor: 2, patch: 0, patchKnown: false });
    const tagFirst = english(
      await firstVersion(
        sources(
          [
            { version: v42, source: 'the image tag m:v4.2' },
            { version: version('4.2.9'), source: 'the image label' },
          ],
          [],
        ),
      ),
    );
    expect(tagFirst).toMatchObject({
      version: { text: '4.2.9', patchKnown: true },
      source: 'the image label',
      passedOver: ['the image tag m:v4.2 names no patch release'],
    });

    const tagOnly = english(
      await firstVersion(sources([{ problem: 'no label' }, { version: v42, source: 'the image tag m:v4.2' }], [])),
    );
    expect(tagOnly).toEqual({
      version: v42,
      source: 'the image tag m:v4.2',
      from: 'the image tag m:v4.2',
      passedOver: ['no label'],
      lasting: false,
    });
  });

  it('says what each source lacked when none names a version, a failing source included', async () => {
    const refused = new AppError('docker_refused', 'Docker refused', 'exec refused');
    const result = english(
      await firstVersion(
        sources(
          [refused, new Error('secret detail'), { problem: 'the image tag "latest" of m-web-1 names no version' }],
          [],
        ),
      ),
    );
    expect(result).toEqual({
      problem:
        'source 0: exec refused; source 1: The server logged the details.; the image tag "latest" of m-web-1 names no version',
      lasting: false,
    });
  });
});

describe('sourcesFor: the label and the tag of a container', () => {
  it('finds the version of an image with no tag (image: tootsuite/mastodon) in its label', async () => {
    const untagged = container({ image: 'tootsuite/mastodon', imageTag: 'latest', versionLabel: 'v4.0.2' });
    expect(english(await firstVersion(sourcesFor(untagged)))).toMatchObject({
      version: { text: '4.0.2', patchKnown: true },
      source: 'the image label org.opencontainers.image.version of tootsuite/mastodon:latest',
      passedOver: ['lib/mastodon/version.rb in m-web-1: the container is not running'],
    });
  });

  it('prefers the label over a minor-only tag, and falls back to that tag without one', async () => {
    expect(
      english(await firstVersion(sourcesFor(container({ imageTag: 'v4.2', versionLabel: 'v4.2.9' })))),
    ).toMatchObject({
      version: { text: '4.2.9' },
      lasting: true,
    });
    expect(english(await firstVersion(sourcesFor(container({ imageTag: 'v4.2' }))))).toMatchObject({
      version: { text: '4.2', patch: 0, patchKnown: false },
      source: 'the image tag ghcr.io/mastodon/mastodon:v4.2',
      lasting: false,
    });
  });

  it('names every source it tried when none knows', async () => {
    const none = await firstVersion(
      sourcesFor(
        container({ service: 'sidekiq', name: 'm-sidekiq-1', image: 'tootsuite/mastodon', imageTag: 'latest' }),
      ),
    );
    expect(english(none)).toEqual({
      problem:
        'lib/mastodon/version.rb in m-sidekiq-1: the container is not running; tootsuite/mastodon:latest has no label org.opencontainers.image.version; ' +
        'the image tag "latest" of m-sidekiq-1 names no version',
      lasting: false,
    });
    expect(german(none)).toEqual({
      problem:
        'lib/mastodon/version.rb in m-sidekiq-1: der Container läuft nicht; tootsuite/mastodon:latest hat kein Label org.opencontainers.image.version; ' +
        'der Image-Tag "latest" von m-sidekiq-1 nennt keine Version',
      lasting: false,
    });
  });
});

describe('account creation takes its version from the same reader', () => {
  it('accepts an image with no tag whose label names the release, and refuses one nothing names', async () => {
    forgetRunningVersionsForTesting();
    const untagged = { image: 'tootsuite/mastodon', imageTag: 'latest' };
    await expect(
      tootctlVersion(container({ ...untagged, id: 'a'.repeat(64), versionLabel: 'v4.0.2' })),
    ).resolves.toMatchObject({ text: '4.0.2' });
    const refused = (await tootctlVersion(container({ ...untagged, id: 'b'.repeat(64) })).catch(
      (error: unknown) => error,
    )) as AppError;
    expect(refused).toMatchObject({ code: 'conflict' });
    expect(inEnglish(refused.title)).toBe('Unknown Mastodon version');
    expect(inEnglish(refused.detail)).toContain('the image tag "latest" of m-web-1 names no version');
    expect(renderText(translatorFor('de'), refused.title)).toBe('Unbekannte Mastodon-Version');
    forgetRunningVersionsForTesting();
  });
});
