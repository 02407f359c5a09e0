import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import type { ExecOptions, ExecResult } from '@/lib/docker/exec';
import type { ContainerView } from '@/lib/docker/types';
import type { JobStep } from '@/lib/jobs/types';

import { dockerFrame as frame } from '../../support/docker-frame';

/*
 * The Docker side of the media fix with Docker replaced: which argv runs, as which user, with which timeout,
 * and that nothing privileged runs when the server's finding differs from what the page showed.
 */

interface Call {
  argv: readonly string[];
  options: ExecOptions;
}

const state = vi.hoisted(() => ({
  calls: [] as { argv: readonly string[]; options: ExecOptions }[],
  containers: [] as ContainerView[],
  mounts: [] as { Source: string; Destination: string }[],
  env: [] as string[],
  uid: '991' as string | undefined,
  owner: '0:0',
  entries: 3,
  log: '' as string | Buffer,
}));

vi.mock('@/lib/config', () => ({
  getConfig: () => ({
    composeProject: 'demo',
    docker: { kind: 'socket', socketPath: '/run/docker.sock', display: '/run/docker.sock' },
  }),
}));

vi.mock('@/lib/docker/containers', () => ({ listProjectContainers: async () => state.containers }));

vi.mock('@/lib/docker/client', () => ({
  dockerCalls: () => ({
    getContainer: () => ({
      inspect: async () => ({ Mounts: state.mounts, Config: { Env: state.env } }),
      logs: async () => (typeof state.log === 'string' ? Buffer.from(state.log) : state.log),
    }),
  }),
}));

vi.mock('@/lib/docker/exec', async () => {
  // The socket proxy's check, as lib/docker/exec.ts makes it: every command of the media fix must pass it.
  const { execCommandRefusal } = await import('@/lib/docker/exec-programs');
  return {
    execInContainer: async (_id: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> => {
      const refusal = execCommandRefusal(argv, options.user);
      if (refusal !== undefined) throw new Error(`the socket proxy would refuse ${argv.join(' ')}: ${refusal}`);
      state.calls.push({ argv, options });
      const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '', truncated: false });
      switch (argv[0]) {
        case 'id':
          return state.uid === undefined
            ? { exitCode: 1, stdout: '', stderr: "id: 'mastodon': no such user", truncated: false }
            : ok(`${state.uid}\n`);
        case 'stat':
          return ok(`${state.owner} 755 root:root 1740823200\n`);
        case 'test':
          return { exitCode: state.owner === '0:0' ? 1 : 0, stdout: '', stderr: '', truncated: false };
        case 'find': {
          const out = Array.from({ length: state.entries }, (_, i) => `/x/${i}\0`).join('');
          options.onStdout?.(out.slice(0, 5));
          options.onStdout?.(out.slice(5));
          return ok('');
        }
        case 'chown': {
          for (let i = 0; i < state.entries; i += 1)
            options.onStdout?.(`changed ownership of '/x/${i}' from 0:0 to ${argv[4]}\n`);
          state.owner = argv[4]!;
          return ok('');
        }
        default:
          throw new Error(`unexpected exec ${argv.join(' ')}`);
      }
    },
  };
});

const { diagnoseMediaPermissions, fixMediaPermissions } = await import('@/lib/mastodon/media-permissions');

function web(overrides: Partial<ContainerView> = {}): ContainerView {
  return {
    id: 'abc123',
    name: 'demo-web-1',
    service: 'web',
    containerNumber: 1,
    image: 'ghcr.io/mastodon/mastodon',
    imageTag: 'v4.3.17',
    state: 'running',
    health: 'healthy',
    failingStreak: 0,
    oomKilled: false,
    restartCount: 0,
    ports: [],
    ...overrides,
  };
}

const privileged = (calls: Call[]) => calls.filter((c) => c.argv[0] === 'find' || c.argv[0] === 'chown');

beforeEach(() => {
  state.calls = [];
  state.containers = [web({ id: 'side', name: 'demo-sidekiq-1', service: 'sidekiq' }), web()];
  state.mounts = [{ Source: '/srv/mastodon/public/system', Destination: '/mastodon/public/system' }];
  state.env = ['RAILS_ENV=production', 'SECRET_KEY_BASE=not-read'];
  state.uid = '991';
  state.owner = '0:0';
  state.entries = 3;
  state.log = '';
});

describe('diagnoseMediaPermissions', () => {
  it("checks the mount destination as root, and writability as the image's mastodon uid:gid", async () => {
    const { evidence } = await diagnoseMediaPermissions();
    expect(evidence).toMatchObject({
      container: 'demo-web-1',
      path: '/mastodon/public/system',
      hostPath: '/srv/mastodon/public/system',
      writable: false,
    });
    const stat = state.calls.find((c) => c.argv[0] === 'stat')!;
    expect(stat.argv).toEqual(['stat', '-c', '%u:%g %a %U:%G %Z', '--', '/mastodon/public/system']);
    expect(stat.options.user).toBe('0');
    const probe = state.calls.find((c) => c.argv[0] === 'test')!;
    expect(probe.argv).toEqual(['test', '-w', '/mastodon/public/system']);
    expect(probe.options.user).toBe('991:991');
    expect(state.calls.filter((c) => c.argv[0] === 'id').every((c) => c.options.user === undefined)).toBe(true);
  });

  it('falls back to /opt/mastodon/public/system without a mount, to 991:991 without a mastodon user', async () => {
    state.mounts = [{ Source: '/elsewhere', Destination: '/data' }];
    state.uid = undefined;
    const { evidence, verdict } = await diagnoseMediaPermissions();
    expect(evidence).toMatchObject({
      path: '/opt/mastodon/public/system',
      expected: { uid: 991, gid: 991 },
      expectedFrom: 'default',
    });
    expect(evidence.hostPath).toBeUndefined();
    expect(verdict.notes.map((note) => inEnglish(note)).join(' ')).toContain('not a bind mount');
  });

  it('reads S3_ENABLED and the EACCES log line', async () => {
    state.env = ['S3_ENABLED=true'];
    state.log =
      '2025-03-01T10:00:00.5Z [x] Errno::EACCES ' +
      '(Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):\n';
    const { evidence } = await diagnoseMediaPermissions();
    expect(evidence.s3Enabled).toBe(true);
    expect(evidence.log).toMatchObject({ at: '2025-03-01T10:00:00.500Z', count: 1 });
  });

  it('takes S3_ENABLED exactly as Mastodon does: only "true" moves uploads to object storage', async () => {
    state.env = ['S3_ENABLED=TRUE'];
    expect((await diagnoseMediaPermissions()).evidence.s3Enabled).toBe(false);
    state.env = ['S3_ENABLED=true'];
    expect((await diagnoseMediaPermissions()).evidence.s3Enabled).toBe(true);
  });

  it('reads the EACCES line from Docker frames: split by a stdout frame, after a daemon error frame', async () => {
    state.log = Buffer.concat([
      frame(3, 'error from daemon in stream: log file rotated\n'),
      frame(2, '2025-03-01T10:00:00.5Z [x] Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/pub'),
      frame(1, '2025-03-01T10:00:00.6Z [y] method=GET path=/health status=200\n'),
      frame(2, 'lic/system/accounts):\n'),
    ]);
    const { evidence } = await diagnoseMediaPermissions();
    expect(evidence.log).toEqual({
      line: '[x] Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):',
      at: '2025-03-01T10:00:00.500Z',
      count: 1,
      searched: 3,
    });
  });

  it('refuses a stopped web container, and a project without web, before any exec', async () => {
    state.containers = [web({ state: 'exited' })];
    const stopped: unknown = await diagnoseMediaPermissions().catch((error: unknown) => error);
    expect(stopped).toMatchObject({ code: 'conflict' });
    const { title, detail } = stopped as AppError;
    expect(inEnglish(title)).toBe('web is not running');
    expect(renderText(translatorFor('de'), title)).toBe('web läuft nicht');
    expect(renderText(translatorFor('de'), detail)).toBe(
      'demo-web-1 ist exited; der Medienordner wird im laufenden web-Container geprüft und korrigiert.',
    );
    state.containers = [web({ service: 'sidekiq', name: 'demo-sidekiq-1' })];
    await expect(diagnoseMediaPermissions()).rejects.toMatchObject({ code: 'not_found' });
    expect(state.calls).toEqual([]);
  });
});

describe('fixMediaPermissions', () => {
  it('runs exactly chown -R -h -c <uid>:<gid> -- <path> as root, after counting with find, with progress', async () => {
    state.entries = 250;
    const steps: Omit<JobStep, 'at'>[] = [];
    const result = await fixMediaPermissions({
      expect: { container: 'demo-web-1', path: '/mastodon/public/system' },
      progress: (s) => steps.push(s),
    });
    const [find, chown] = privileged(state.calls);
    expect(find!.argv).toEqual([
      'find',
      '/mastodon/public/system',
      '-xdev',
      '(',
      '!',
      '-user',
      '991',
      '-o',
      '!',
      '-group',
      '991',
      ')',
      '-print0',
    ]);
    expect(find!.options.user).toBe('0');
    expect(chown!.argv).toEqual(['chown', '-R', '-h', '-c', '991:991', '--', '/mastodon/public/system']);
    expect(chown!.options).toMatchObject({ user: '0', timeoutMs: 30 * 60_000 });
    expect(inEnglish(chown!.options.waitingFor!)).toBe(
      'chown -R to change 250 entries under /mastodon/public/system in demo-web-1 ' +
        '(it may still be running there; check again later)',
    );
    expect(renderText(translatorFor('de'), chown!.options.waitingFor!)).toBe(
      '„chown -R“, das 250 Einträge unter /mastodon/public/system in demo-web-1 ändert ' +
        '(es kann dort noch laufen; prüfe später erneut)',
    );
    expect(result).toMatchObject({ entriesToChange: 250, filesChanged: 250, owner: '991:991', ownerBefore: '0:0' });
    expect(result.after.verdict.status).toBe('ok');
    const counting = steps
      .map((s) => ({ ...s, step: inEnglish(s.step) }))
      .filter((s) => s.step === 'Changing the owner to 991:991');
    expect(counting[0]).toEqual({ step: 'Changing the owner to 991:991', done: 0, total: 250 });
    expect(counting.at(-1)).toEqual({ step: 'Changing the owner to 991:991', done: 250, total: 250 });
    // Throttled: not one update per file.
    expect(counting.length).toBeLessThan(10);
    expect(inEnglish(steps.at(-1)?.step ?? '')).toBe('Done');
    expect(renderText(translatorFor('de'), steps.at(-1)?.step ?? '')).toBe('Fertig');
  });

  it("uses the image's mastodon uid:gid when it differs from 991", async () => {
    state.uid = '1001';
    await fixMediaPermissions();
    expect(privileged(state.calls)[1]!.argv).toEqual([
      'chown',
      '-R',
      '-h',
      '-c',
      '1001:1001',
      '--',
      '/mastodon/public/system',
    ]);
  });

  it.each([
    { container: 'demo-sidekiq-1', path: '/mastodon/public/system' },
    { container: 'demo-web-1', path: '/opt/mastodon/public/system' },
  ])('runs nothing privileged when the page showed %j', async (shown) => {
    await expect(fixMediaPermissions({ expect: shown })).rejects.toMatchObject({ code: 'conflict' });
    expect(privileged(state.calls)).toEqual([]);
  });
});
