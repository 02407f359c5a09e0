import { describe, expect, it } from 'vitest';

import {
  execCommandRefusal,
  execCreateBody,
  execCreateRefusal,
  EXEC_PROGRAMS,
  type ExecArgv,
  type ExecService,
} from '@/lib/docker/exec-programs';
import { pgDumpArgv, pgRestoreArgv, scratchDatabaseName } from '@/lib/backups/pg-commands';
import { VERSION_RB_PATH, VERSION_RB_PROGRAM } from '@/lib/mastodon/running-version';
import { MEDIA_DU_ARGS } from '@/lib/mastodon/storage/media-folder';
import { buildCleanupArgv } from '@/lib/mastodon/cleanup/commands';
import { buildApproveArgv, buildCreateAccountArgv } from '@/lib/mastodon/tootctl';
import { parseMastodonVersion } from '@/lib/mastodon/version';
import { containerCallRefusal, containerFacts, mountsDockerSocket, projectDiskUsage } from '@/lib/socket-proxy/policy';

const PROJECT = 'mastodon';
const ID = 'c'.repeat(64);

function inspect(labels: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { Id: ID, Config: { Labels: labels }, Mounts: [], HostConfig: { Binds: null }, ...extra };
}
const service = (name: string) => ({ 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': name });
const socketBind = {
  Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock' }],
  HostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro'] },
};

/**
 * Every command the dashboard runs
 * (lib/mastodon/{accounts,tootctl,health,media-permissions,storage}.ts), with its user.
 */
const DASHBOARD_COMMANDS: [ExecArgv, string | undefined, ExecService][] = [
  [
    buildCreateAccountArgv(
      { username: 'alice', email: 'alice@example.org', role: 'Owner', confirmed: true, approve: true },
      parseMastodonVersion('v4.3.17')!,
    ),
    undefined,
    'web',
  ],
  [buildApproveArgv('alice'), undefined, 'sidekiq'],
  [
    buildCleanupArgv(
      { job: 'media-remove', days: 3650, remove: 'avatars-and-headers', includeFollows: true, dryRun: true },
      parseMastodonVersion('v4.3.17')!,
    ),
    undefined,
    'web',
  ],
  [
    buildCleanupArgv(
      { job: 'media-remove', days: 7, remove: 'headers', includeFollows: false, dryRun: false },
      parseMastodonVersion('v4.3.17')!,
    ),
    undefined,
    'sidekiq',
  ],
  [
    buildCleanupArgv({ job: 'preview-cards-remove', days: 180, dryRun: true }, parseMastodonVersion('v4.3.17')!),
    undefined,
    'web',
  ],
  [
    buildCleanupArgv({ job: 'media-remove-orphans', dryRun: false }, parseMastodonVersion('v4.3.17')!),
    undefined,
    'web',
  ],
  [['ls', '-1', '/opt/mastodon/db/migrate'], undefined, 'web'],
  [['id', '-u', 'mastodon'], undefined, 'web'],
  [['id', '-g', 'mastodon'], undefined, 'web'],
  [['stat', '-c', '%u:%g %a %U:%G %Z', '--', '/opt/mastodon/public/system'], '0', 'web'],
  [['test', '-w', '/opt/mastodon/public/system'], '991:991', 'web'],
  [
    [
      'find',
      '/opt/mastodon/public/system',
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
    ],
    '0',
    'web',
  ],
  [['chown', '-R', '-h', '-c', '991:991', '--', '/opt/mastodon/public/system'], '0', 'web'],
  [['timeout', '1800', 'du', '-sk', '/opt/mastodon/public/system'], undefined, 'web'],
  [['timeout', '1800', 'du', ...MEDIA_DU_ARGS], undefined, 'web'],
  [['du', '-sk', '/mastodon/public/system/cache'], undefined, 'sidekiq'],
  [[VERSION_RB_PROGRAM, VERSION_RB_PATH], undefined, 'web'],
  [pgDumpArgv('postgres', 'mastodon_production'), undefined, 'db'],
  [pgRestoreArgv('postgres', scratchDatabaseName(new Date('2026-12-04T03:30:00Z'))), undefined, 'db'],
];

describe('the exec body the socket proxy accepts', () => {
  it.each(DASHBOARD_COMMANDS)(
    'lets the dashboard’s own %j (user %s, in %s) through, in the exact body dockerode sends',
    (argv, user, service) => {
      expect(execCommandRefusal(argv, user, service)).toBeUndefined();
      expect(execCreateRefusal(JSON.parse(JSON.stringify(execCreateBody(argv, user))), service)).toBeUndefined();
    },
  );

  it('names every allowed program in DASHBOARD_COMMANDS: the list has no program the dashboard does not run', () => {
    const run = new Set(
      DASHBOARD_COMMANDS.flatMap(([argv]) => (argv[0] === 'timeout' ? [argv[0], argv[2]] : [argv[0]])),
    );
    expect(run).toEqual(new Set(Object.keys(EXEC_PROGRAMS)));
  });

  const base = { Cmd: ['id', '-u', 'mastodon'], AttachStdout: true, AttachStderr: true, Tty: false };
  it.each([
    ['a privileged exec', { ...base, Privileged: true }, 'a privileged exec is refused'],
    ['sh -c', { ...base, Cmd: ['sh', '-c', 'id'] }, 'the dashboard never runs "sh"'],
    ['bash', { ...base, Cmd: ['/bin/bash'] }, 'the dashboard never runs "/bin/bash"'],
    [
      'an absolute path to a listed program',
      { ...base, Cmd: ['/usr/bin/id'] },
      'the dashboard never runs "/usr/bin/id"',
    ],
    ['an empty Cmd', { ...base, Cmd: [] }, 'Cmd must be a non-empty list of strings'],
    ['a Cmd that is a string', { ...base, Cmd: 'id' }, 'Cmd must be a non-empty list of strings'],
    ['Env', { ...base, Env: ['LD_PRELOAD=/tmp/x.so'] }, 'the dashboard never sends Env in an exec'],
    ['WorkingDir', { ...base, WorkingDir: '/' }, 'the dashboard never sends WorkingDir in an exec'],
    ['AttachStdin', { ...base, AttachStdin: true }, 'the dashboard never feeds id stdin'],
    [
      'a lower-case key (Docker matches keys in any case)',
      { ...base, privileged: true },
      'the dashboard never sends privileged in an exec',
    ],
    ['a terminal', { ...base, Tty: true }, 'the dashboard never asks for a terminal'],
    ['User root for id', { ...base, User: 'root' }, 'the dashboard never runs id as user "root"'],
    [
      'a named user',
      { ...base, Cmd: ['test', '-w', '/'], User: 'mastodon' },
      'the dashboard never runs test as user "mastodon"',
    ],
    [
      'chown as the image’s user',
      { ...base, Cmd: ['chown', '0:0', '/'] },
      "the dashboard never runs chown as the image's user",
    ],
    [
      'chown as uid:gid',
      { ...base, Cmd: ['chown', '0:0', '/'], User: '991:991' },
      'the dashboard never runs chown as user "991:991"',
    ],
    [
      'find -exec as root',
      { ...base, Cmd: ['find', '/', '-exec', 'sh', '-c', 'id', ';'], User: '0' },
      'find -exec runs or writes something',
    ],
    [
      'find -delete as root',
      { ...base, Cmd: ['find', '/', '-delete'], User: '0' },
      'find -delete runs or writes something',
    ],
    [
      'tootctl beyond accounts create and approve',
      { ...base, Cmd: ['tootctl', 'accounts', 'delete', 'alice'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'tootctl accounts modify with another option',
      { ...base, Cmd: ['tootctl', 'accounts', 'modify', 'alice', '--reset-password'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'tootctl media remove with an option of its own (a prefix, a verbose log)',
      { ...base, Cmd: ['tootctl', 'media', 'remove', '--days=7', '--verbose'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'tootctl media remove-orphans under another prefix',
      { ...base, Cmd: ['tootctl', 'media', 'remove-orphans', '--prefix=../../etc'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'tootctl media remove with --days given twice',
      { ...base, Cmd: ['tootctl', 'media', 'remove', '--days=7', '--days=1'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'tootctl media remove with days that are not a whole number',
      { ...base, Cmd: ['tootctl', 'media', 'remove', '--days=-1'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'tootctl media refresh (downloads media)',
      { ...base, Cmd: ['tootctl', 'media', 'refresh', '--days=7'] },
      'the dashboard runs only tootctl accounts create',
    ],
    [
      'cat of another file',
      { ...base, Cmd: ['cat', '/opt/mastodon/.env.production'] },
      'cat is only run on /opt/mastodon/lib/mastodon/version.rb or /data/dump.rdb',
    ],
    [
      'timeout around a shell',
      { ...base, Cmd: ['timeout', '5', 'sh', '-c', 'id'] },
      'timeout is only run as timeout <seconds> du',
    ],
    [
      'du outside the media folder',
      { ...base, Cmd: ['du', '-sk', '/opt/mastodon/.env.production'] },
      'du is only run as du -k -d 1 <media folder>',
    ],
    [
      'du climbing out of the media folder',
      { ...base, Cmd: ['du', '-sk', '/opt/mastodon/public/system/../../config'] },
      'du is only run as',
    ],
    [
      'du with other options (-a lists every file name)',
      { ...base, Cmd: ['du', '-a', '/opt/mastodon/public/system'] },
      'du is only run as',
    ],
    [
      'timeout around du of another folder',
      { ...base, Cmd: ['timeout', '5', 'du', '-k', '-d', '1', '/'] },
      'du is only run as',
    ],
    ['not an object', ['id'], 'the exec body is not a JSON object'],
  ])('refuses %s', (_, body, reason) => {
    expect(execCreateRefusal(body, 'web')).toContain(reason);
  });

  const dump = { ...base, Cmd: [...pgDumpArgv('postgres', 'mastodon_production')] };
  const restore = {
    ...base,
    AttachStdin: true,
    Cmd: [...pgRestoreArgv('postgres', 'mastodash_verify_20261204t033000')],
  };
  it.each([
    ['pg_dump in web', dump, 'web', 'the dashboard runs pg_dump only in db, not in web'],
    ['tootctl in db', { ...base, Cmd: ['tootctl', 'accounts', 'create', 'x'] }, 'db', 'only in web and sidekiq'],
    ['id in db', base, 'db', 'the dashboard runs id only in web and sidekiq, not in db'],
    ['an exec in a container of no service', base, null, 'not in (no compose service)'],
    [
      'pg_dump of a connection string (another server)',
      { ...dump, Cmd: ['pg_dump', '--format=custom', '--no-password', '--username=postgres', '--dbname=host=evil'] },
      'db',
      'pg_dump is only run as pg_dump --format=custom',
    ],
    [
      'pg_dump writing a file',
      { ...dump, Cmd: [...dump.Cmd, '--file=/var/lib/postgresql/data/postgresql.conf'] },
      'db',
      'pg_dump is only run as',
    ],
    [
      'pg_restore into the live database',
      { ...restore, Cmd: [...pgRestoreArgv('postgres', 'mastodon_production')] },
      'db',
      'pg_restore is only run into a scratch database',
    ],
    [
      'pg_restore with --clean (drops objects first)',
      { ...restore, Cmd: [...restore.Cmd, '--clean'] },
      'db',
      'pg_restore is only run into a scratch database',
    ],
    ['pg_restore without its stdin', { ...restore, AttachStdin: undefined }, 'db', 'always feeds pg_restore its stdin'],
    ['stdin for pg_dump', { ...dump, AttachStdin: true }, 'db', 'the dashboard never feeds pg_dump stdin'],
    ['pg_restore as root', { ...restore, User: '0' }, 'db', 'the dashboard never runs pg_restore as user "0"'],
    [
      'cat of Redis’s dump.rdb in web',
      { ...base, Cmd: ['cat', '/data/dump.rdb'] },
      'web',
      'cat of /data/dump.rdb is only run in redis, not in web',
    ],
    [
      'cat of Mastodon’s version.rb in redis',
      { ...base, Cmd: ['cat', '/opt/mastodon/lib/mastodon/version.rb'] },
      'redis',
      'is only run in web and sidekiq, not in redis',
    ],
    ['cat of two files in redis', { ...base, Cmd: ['cat', '/data/dump.rdb', '/etc/shadow'] }, 'redis', 'cat is only'],
    ['cat of dump.rdb as root', { ...base, Cmd: ['cat', '/data/dump.rdb'], User: '0' }, 'redis', 'never runs cat as'],
    ['id in redis', base, 'redis', 'the dashboard runs id only in web and sidekiq, not in redis'],
  ] as const)('refuses %s', (_, body, service, reason) => {
    expect(execCreateRefusal(JSON.parse(JSON.stringify(body)), service)).toContain(reason);
  });
});

describe('the containers the socket proxy guards', () => {
  it('refuses everything but inspect and stats on the proxy’s own container (it holds Docker’s socket)', () => {
    const proxy = containerFacts(inspect(service('mastodash-socket-proxy'), socketBind));
    expect(proxy.guarded).toBe("it mounts Docker's socket");
    for (const action of ['exec', 'restart', 'logs']) {
      expect(containerCallRefusal(proxy, action, 'mastodon-mastodash-socket-proxy-1', PROJECT)).toBe(
        "container mastodon-mastodash-socket-proxy-1 may only be inspected: it mounts Docker's socket",
      );
    }
    for (const action of ['json', 'stats']) expect(containerCallRefusal(proxy, action, 'x', PROJECT)).toBeUndefined();
  });

  it(
    'refuses exec, restart and logs on the dashboard’s container, by service name or by the image’s' +
      ' label, but lets it inspect itself',
    () => {
      const byService = containerFacts(inspect(service('mastodash')));
      const byImage = containerFacts(
        inspect({ ...service('admin-panel'), 'org.opencontainers.image.title': 'Mastodash' }),
      );
      for (const facts of [byService, byImage]) {
        expect(facts.guarded).toBe("it is the dashboard's own container");
        expect(containerCallRefusal(facts, 'exec', 'dash', PROJECT)).toBe(
          "container dash may only be inspected: it is the dashboard's own container",
        );
        expect(containerCallRefusal(facts, 'restart', 'dash', PROJECT)).toBeDefined();
        expect(containerCallRefusal(facts, 'logs', 'dash', PROJECT)).toBeDefined();
        expect(containerCallRefusal(facts, 'json', 'dash', PROJECT)).toBeUndefined();
      }
    },
  );

  it('runs commands only in web, sidekiq, db and redis (each program in its own): exec into streaming is refused', () => {
    const db = containerFacts(inspect(service('db')));
    expect(containerCallRefusal(db, 'exec', 'mastodon-db-1', PROJECT)).toBeUndefined();
    expect(
      containerCallRefusal(containerFacts(inspect(service('streaming'))), 'exec', 'mastodon-streaming-1', PROJECT),
    ).toBe(
      'the dashboard runs commands only in the services web, sidekiq, db and redis, and mastodon-streaming-1 is the ' +
        'service streaming',
    );
    expect(containerCallRefusal(db, 'restart', 'mastodon-db-1', PROJECT)).toBeUndefined();
    expect(containerCallRefusal(db, 'logs', 'mastodon-db-1', PROJECT)).toBeUndefined();
    for (const name of ['web', 'sidekiq', 'redis'])
      expect(containerCallRefusal(containerFacts(inspect(service(name))), 'exec', name, PROJECT)).toBeUndefined();
  });

  it('refuses another project’s container whatever the service', () => {
    const other = containerFacts(
      inspect({ 'com.docker.compose.project': 'other', 'com.docker.compose.service': 'web' }),
    );
    expect(containerCallRefusal(other, 'json', 'other-web-1', PROJECT)).toBe(
      'container other-web-1 is not part of the compose project mastodon',
    );
  });

  it.each([
    [
      'the socket at its usual place',
      { Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/sock' }] },
    ],
    ['the socket at /run', { Mounts: [{ Type: 'bind', Source: '/run/docker.sock', Destination: '/sock' }] }],
    ['a rootless socket', { Mounts: [{ Type: 'bind', Source: '/run/user/1000/docker.sock', Destination: '/d' }] }],
    ['the host’s root', { Mounts: [{ Type: 'bind', Source: '/', Destination: '/host' }] }],
    ['the folder holding the socket', { Mounts: [{ Type: 'bind', Source: '/var/run/', Destination: '/r' }] }],
    [
      'any socket mounted where Docker’s goes',
      { Mounts: [{ Type: 'bind', Source: '/srv/x', Destination: '/var/run/docker.sock' }] },
    ],
    ['a bind asked for but not yet in Mounts', { HostConfig: { Binds: ['/run/docker.sock:/x:ro'] } }],
  ])('finds %s', (_, extra) => {
    expect(mountsDockerSocket(inspect(service('telegraf'), extra))).toBe(true);
  });

  it('does not take volumes or other binds for the socket', () => {
    const extra = {
      Mounts: [
        {
          Type: 'volume',
          Name: 'mastodash-proxy',
          Source: '/var/lib/docker/volumes/mastodash-proxy/_data',
          Destination: '/run/mastodash-proxy',
        },
        { Type: 'bind', Source: '/home/mastodon/live/public/system', Destination: '/opt/mastodon/public/system' },
      ],
      HostConfig: {
        Binds: [
          'mastodash-proxy:/run/mastodash-proxy',
          '/home/mastodon/live/public/system:/opt/mastodon/public/system',
        ],
      },
    };
    expect(mountsDockerSocket(inspect(service('web'), extra))).toBe(false);
  });
});

describe('disk usage through the proxy', () => {
  it(
    'keeps the project’s containers, the images they run and the volumes they mount, and nothing' +
      ' of the host’s other projects',
    () => {
      const df = {
        LayersSize: 9_000_000_000,
        Images: [
          { Id: 'sha256:mastodon', Size: 900 },
          { Id: 'sha256:postgres', Size: 400 },
          { Id: 'sha256:secret-app', Size: 700 },
        ],
        Containers: [
          { Id: 'w', ImageID: 'sha256:mastodon', Labels: service('web'), Mounts: [{ Type: 'bind', Source: '/x' }] },
          {
            Id: 'd',
            ImageID: 'sha256:postgres',
            Labels: service('db'),
            Mounts: [{ Type: 'volume', Name: 'mastodon_postgres' }],
          },
          {
            Id: 's',
            ImageID: 'sha256:secret-app',
            Labels: { 'com.docker.compose.project': 'secret' },
            Mounts: [{ Type: 'volume', Name: 'secret_data' }],
          },
          { Id: 'n', ImageID: 'sha256:postgres', Labels: {}, Mounts: [{ Type: 'volume', Name: 'loose' }] },
        ],
        Volumes: [{ Name: 'mastodon_postgres' }, { Name: 'secret_data' }, { Name: 'loose' }],
        BuildCache: [{ ID: 'cache', Size: 5 }],
        BuilderSize: 5,
      };
      const filtered = projectDiskUsage(df, PROJECT);
      expect(filtered).toEqual({
        Containers: [df.Containers[0], df.Containers[1]],
        Images: [df.Images[0], df.Images[1]],
        Volumes: [{ Name: 'mastodon_postgres' }],
        BuildCache: [],
      });
      expect(JSON.stringify(filtered)).not.toMatch(/secret|loose|LayersSize|BuilderSize/);
    },
  );

  it('answers an empty usage for a project with no containers, or an answer that is not an object', () => {
    expect(projectDiskUsage({ Containers: null, Images: null, Volumes: null }, PROJECT)).toEqual({
      Containers: [],
      Images: [],
      Volumes: [],
      BuildCache: [],
    });
    expect(projectDiskUsage(null, PROJECT)).toEqual({ Containers: [], Images: [], Volumes: [], BuildCache: [] });
  });
});
