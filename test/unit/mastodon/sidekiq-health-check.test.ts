import { describe, expect, it } from 'vitest';

import type { ContainerView } from '@/lib/docker/types';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import {
  containersInDoubt,
  diagnoseSidekiqHealth,
  healthcheckCommand,
  healthcheckLine,
  parseHealthcheckGrep,
  type HealthcheckGrep,
  type LiveHeartbeat,
} from '@/lib/mastodon/sidekiq-health-check';
import { sidekiqMajorOf, type SidekiqGrepMajor } from '@/lib/mastodon/sidekiq-grep';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';

const v = (text: string) => parseMastodonVersion(text) as MastodonVersion;
const ID = 'c80b40a5c1cc195f12d3275419baaeb73c689e0ce2553020db243a034a65252c';

function sidekiq(overrides: Partial<ContainerView> = {}): ContainerView {
  return {
    id: ID,
    name: 'mastodon-sidekiq-1',
    service: 'sidekiq',
    containerNumber: 1,
    image: 'ghcr.io/mastodon/mastodon',
    imageTag: 'v4.5.0',
    state: 'running',
    health: 'unhealthy',
    failingStreak: 14,
    lastProbe: { exitCode: 1, output: '', endedAt: '2026-11-26T17:14:20.663Z' },
    oomKilled: false,
    restartCount: 0,
    ports: [],
    ...overrides,
  };
}

const BEAT: LiveHeartbeat = { hostname: '5c1f0e2a9b7d', beatAgeSeconds: 3.2, version: '8.0.9' };
const checks = (check: HealthcheckGrep, id = ID) => new Map([[id, check]]);
const grep = (target: string, major: SidekiqGrepMajor): HealthcheckGrep => ({
  kind: 'grep',
  grep: `[s]idekiq\\ ${target}`,
  major,
});

describe('the Sidekiq major per Mastodon version', () => {
  it.each([
    ['4.0.2', 6],
    ['4.2.0', 6],
    ['4.3.17', 6],
    ['4.4.0', 7],
    ['4.4.4', 7],
    ['4.5.0', 8],
    ['4.6.5', 8],
    ['4.7.0-alpha.2', 8],
  ])('Mastodon %s ships Sidekiq %i', (version, major) => {
    expect(sidekiqMajorOf(v(version))).toBe(major);
  });
});

describe('the corrected check', () => {
  it('is written as the official docker-compose.yml writes it', () => {
    expect(healthcheckLine(8)).toBe(`test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 8' || false"]`);
    expect(healthcheckLine(7)).toBe(`test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 7' || false"]`);
    expect(healthcheckLine('any')).toBe(`test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [0-9]' || false"]`);
  });

  it('becomes, through YAML, the command the container runs (\\ is an escaped space in double quotes)', () => {
    for (const major of [6, 7, 8, 'any'] as const) {
      const quoted = /"(.*)"\]$/.exec(healthcheckLine(major))?.[1] ?? '';
      expect(quoted.replace(/\\ /g, ' ')).toBe(healthcheckCommand(major));
    }
  });

  it('reads back as what it greps for', () => {
    expect(parseHealthcheckGrep(['CMD-SHELL', healthcheckCommand(8)])).toEqual(grep('8', 8));
    expect(parseHealthcheckGrep(['CMD-SHELL', healthcheckCommand('any')])).toEqual(grep('[0-9]', 'any'));
  });
});

describe('parseHealthcheckGrep: Config.Healthcheck.Test', () => {
  it.each<[readonly string[] | undefined, HealthcheckGrep]>([
    [['CMD-SHELL', "ps aux | grep '[s]idekiq 6' || false"], grep('6', 6)],
    // As `docker run --health-cmd` keeps it (no YAML): the backslash stays; grep reads `\ ` as a space.
    [['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 7' || false"], grep('7', 7)],
    [['CMD-SHELL', "if [ -e /tmp/unhealthy ]; then exit 1; fi; ps aux | grep '[s]idekiq\\ 6' || false"], grep('6', 6)],
    [['CMD-SHELL', "ps aux | grep '[s]idekiq [0-9]' || false"], grep('[0-9]', 'any')],
    // The official 4.5.0 compose file (mastodon/mastodon v4.5.0 docker-compose.yml): Sidekiq 7 or 8.
    [['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [78]' || false"], grep('[78]', [7, 8])],
    [['CMD-SHELL', "ps aux | grep -E '[s]idekiq\\s\\d'"], grep('\\d', 'any')],
    [['CMD', 'pgrep', '-f', 'sidekiq'], { kind: 'other' }],
    [['NONE'], { kind: 'none' }],
    [[], { kind: 'none' }],
    [undefined, { kind: 'none' }],
  ])('%j → %j', (test, expected) => {
    expect(parseHealthcheckGrep(test)).toEqual(expected);
  });
});

describe('diagnoseSidekiqHealth', () => {
  it('confirms a stale check: greps 6, the 4.5 image ships 8, Redis shows Sidekiq alive', () => {
    const [diagnosis, ...rest] = diagnoseSidekiqHealth({
      containers: [sidekiq()],
      heartbeats: [BEAT],
      checks: checks(grep('6', 6)),
    });
    expect(rest).toEqual([]);
    expect(diagnosis).toMatchObject({
      kind: 'stale_check',
      certainty: 'confirmed',
      service: 'sidekiq',
      containers: ['mastodon-sidekiq-1'],
      imageSidekiqMajor: 8,
      checkSidekiqMajor: 6,
      heartbeatAgeSeconds: 3.2,
      heartbeatFromContainer: false,
      fix: {
        line: `test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 8' || false"]`,
        agnosticLine: `test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [0-9]' || false"]`,
        apply: 'docker compose up -d sidekiq',
      },
    });
    expect(inEnglish(diagnosis!.message)).toBe(
      'Docker calls sidekiq unhealthy, but Redis shows a live Sidekiq heartbeat (last beat 3 s ago), so Sidekiq is ' +
        'running. Its health check greps the process list for Sidekiq 6, while the image (Mastodon 4.5.0) ships ' +
        'Sidekiq 8: the check can never pass. This happens when the image is upgraded but docker-compose.yml is not. ' +
        'In docker-compose.yml, replace the test line under sidekiq → healthcheck with the one below, then run ' +
        '`docker compose up -d sidekiq` (it recreates the container with the new check; queued jobs wait in Redis).',
    );
    const german = renderText(translatorFor('de'), diagnosis!.message);
    expect(german).toContain('Sein Healthcheck sucht in der Prozessliste nach Sidekiq 6');
    expect(german).toContain('das Image (Mastodon 4.5.0) Sidekiq 8 mitbringt');
    expect(german).toContain('letzter vor 3 s');
  });

  it('after a 4.3 → 4.4 upgrade the fix greps 7', () => {
    const [diagnosis] = diagnoseSidekiqHealth({
      containers: [sidekiq({ imageTag: 'v4.4.4' })],
      heartbeats: [BEAT],
      checks: checks(grep('6', 6)),
    });
    expect(diagnosis?.fix?.line).toBe(healthcheckLine(7));
  });

  it('without the check’s text, a silent failing probe makes it likely', () => {
    const [diagnosis] = diagnoseSidekiqHealth({ containers: [sidekiq()], heartbeats: [BEAT] });
    expect(diagnosis).toMatchObject({
      kind: 'stale_check',
      certainty: 'likely',
      imageSidekiqMajor: 8,
      fix: { line: healthcheckLine(8) },
    });
    expect(diagnosis?.checkSidekiqMajor).toBeUndefined();
    expect(inEnglish(diagnosis!.message)).toBe(
      'Docker calls sidekiq unhealthy, but Redis shows a live Sidekiq heartbeat (last beat 3 s ago), so Sidekiq is ' +
        "running. The check's probe exits 1 and prints nothing, which is what the official check " +
        "(`grep '[s]idekiq\\ N'`) does when it greps for an older Sidekiq major than the image's Sidekiq 8. " +
        'In docker-compose.yml, replace the test line under sidekiq → healthcheck with the one below, then run ' +
        '`docker compose up -d sidekiq` (it recreates the container with the new check; queued jobs wait in Redis).',
    );
    expect(renderText(translatorFor('de'), diagnosis!.message)).toContain(
      "genau das tut der offizielle Check (`grep '[s]idekiq\\ N'`), wenn er nach einer älteren " +
        'Sidekiq-Hauptversion sucht als Sidekiq 8 aus dem Image.',
    );
  });

  it('uses the heartbeat’s Sidekiq version when the tag names none', () => {
    const [diagnosis] = diagnoseSidekiqHealth({
      containers: [sidekiq({ imageTag: 'latest' })],
      heartbeats: [BEAT],
      checks: checks(grep('7', 7)),
    });
    expect(diagnosis).toMatchObject({
      kind: 'stale_check',
      certainty: 'confirmed',
      imageSidekiqMajor: 8,
      checkSidekiqMajor: 7,
    });
  });

  it('uses the deployment version when the container’s tag names none', () => {
    const [diagnosis] = diagnoseSidekiqHealth({
      containers: [sidekiq({ imageTag: 'latest' })],
      heartbeats: [{ hostname: 'x', beatAgeSeconds: 1 }],
      version: v('4.4.4'),
      checks: checks(grep('6', 6)),
    });
    expect(diagnosis).toMatchObject({ kind: 'stale_check', imageSidekiqMajor: 7, fix: { line: healthcheckLine(7) } });
  });

  it('offers only the version-agnostic line when the major is unknown', () => {
    const [diagnosis] = diagnoseSidekiqHealth({
      containers: [sidekiq({ imageTag: 'latest' })],
      heartbeats: [{ hostname: 'x', beatAgeSeconds: 1 }],
    });
    expect(diagnosis).toMatchObject({
      kind: 'stale_check',
      certainty: 'likely',
      fix: { agnosticLine: healthcheckLine('any') },
    });
    expect(diagnosis?.imageSidekiqMajor).toBeUndefined();
    expect(diagnosis?.fix?.line).toBeUndefined();
  });

  it('does not blame a check that greps the right major; it reports the probe instead', () => {
    const container = sidekiq({ lastProbe: { exitCode: 1, output: 'unhealthy: /tmp/unhealthy present', endedAt: '' } });
    const [diagnosis] = diagnoseSidekiqHealth({
      containers: [container],
      heartbeats: [BEAT],
      checks: checks(grep('8', 8)),
    });
    expect(diagnosis).toMatchObject({ kind: 'check_fails_while_alive', certainty: 'confirmed', checkSidekiqMajor: 8 });
    expect(diagnosis?.fix).toBeUndefined();
    expect(inEnglish(diagnosis!.message)).toContain('which is what the image ships');
    expect(inEnglish(diagnosis!.message)).toContain('unhealthy: /tmp/unhealthy present');
    expect(renderText(translatorFor('de'), diagnosis!.message)).toContain(
      'Der letzte Check endete mit 1: unhealthy: /tmp/unhealthy present',
    );
  });

  it('a probe that printed something is not the silent grep miss', () => {
    const container = sidekiq({ lastProbe: { exitCode: 1, output: 'ps: not found', endedAt: '' } });
    const [diagnosis] = diagnoseSidekiqHealth({ containers: [container], heartbeats: [BEAT] });
    expect(diagnosis).toMatchObject({ kind: 'check_fails_while_alive', certainty: 'likely' });
    expect(inEnglish(diagnosis!.message)).toBe(
      'Docker calls sidekiq unhealthy, but Redis shows a live Sidekiq heartbeat (last beat 3 s ago), so Sidekiq is ' +
        'running. The last probe exited 1: ps: not found',
    );
  });

  it('a custom or version-agnostic check is not called stale', () => {
    expect(
      diagnoseSidekiqHealth({ containers: [sidekiq()], heartbeats: [BEAT], checks: checks({ kind: 'other' }) })[0]
        ?.kind,
    ).toBe('check_fails_while_alive');
    expect(
      diagnoseSidekiqHealth({ containers: [sidekiq()], heartbeats: [BEAT], checks: checks(grep('[0-9]', 'any')) })[0]
        ?.kind,
    ).toBe('check_fails_while_alive');
  });

  it('says nothing without a live heartbeat: then Docker may well be right', () => {
    expect(diagnoseSidekiqHealth({ containers: [sidekiq()], heartbeats: [], checks: checks(grep('6', 6)) })).toEqual(
      [],
    );
    expect(containersInDoubt([sidekiq()], [])).toEqual([]);
  });

  it('says nothing about healthy, starting, stopped or non-sidekiq containers', () => {
    for (const overrides of [
      { health: 'healthy' },
      { health: 'starting' },
      { health: 'none' },
      { state: 'exited' },
      { service: 'web' },
    ] as Partial<ContainerView>[]) {
      expect(diagnoseSidekiqHealth({ containers: [sidekiq(overrides)], heartbeats: [BEAT] })).toEqual([]);
      expect(containersInDoubt([sidekiq(overrides)], [BEAT])).toEqual([]);
    }
  });

  it('groups containers by service: split sidekiq services get one diagnosis each, with their own fix command', () => {
    const push = sidekiq({ id: 'b'.repeat(64), name: 'mastodon-sidekiq_push-1', service: 'sidekiq_push' });
    const two = sidekiq({ id: 'c'.repeat(64), name: 'mastodon-sidekiq-2', containerNumber: 2 });
    const diagnoses = diagnoseSidekiqHealth({ containers: [two, sidekiq(), push], heartbeats: [BEAT] });
    expect(diagnoses.map((d) => [d.service, d.containers, d.fix?.apply])).toEqual([
      ['sidekiq', ['mastodon-sidekiq-1', 'mastodon-sidekiq-2'], 'docker compose up -d sidekiq'],
      ['sidekiq_push', ['mastodon-sidekiq_push-1'], 'docker compose up -d sidekiq_push'],
    ]);
  });

  it('notices when the heartbeat comes from this very container (Docker’s default hostname is the short id)', () => {
    const [diagnosis] = diagnoseSidekiqHealth({
      containers: [sidekiq()],
      heartbeats: [{ hostname: ID.slice(0, 12), beatAgeSeconds: 9 }, BEAT],
    });
    expect(diagnosis?.heartbeatFromContainer).toBe(true);
    expect(diagnosis?.heartbeatAgeSeconds).toBe(3.2);
  });
});
