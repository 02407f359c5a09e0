/**
 * Every command the dashboard runs in Mastodon's containers through Docker exec, and the one exec-create
 * body it sends. The dashboard (lib/docker/exec.ts) and the socket proxy (lib/socket-proxy) both import this
 * module, so the proxy lets through exactly what the dashboard runs and nothing a dashboard taken over
 * could add: no shell, no other program, no other user, no environment. Pure, with no server-only import,
 * because the proxy's bundle uses it too.
 */

/** Mastodon's app containers, as its compose file names them: tootctl and the media checks run in these. */
export const APP_SERVICES = ['web', 'sidekiq'] as const;

/** Every compose service the dashboard runs a command in: the app containers, and db and redis for backups. */
export const EXEC_SERVICES = [...APP_SERVICES, 'db', 'redis'] as const;
export type ExecService = (typeof EXEC_SERVICES)[number];

/** Who a program runs as: the image's user (no `User` sent), root (`0`), or a numeric `uid:gid`. */
type RunsAs = 'image' | 'root' | 'uid:gid';

interface ExecProgram {
  /** The services whose containers it runs in. */
  services: readonly ExecService[];
  runsAs: readonly RunsAs[];
  /** Whether the dashboard feeds it stdin (AttachStdin): only pg_restore, with a backup file. */
  stdin?: true;
  /**
   * Why these arguments are refused, when they are (for the programs whose arguments could run something else).
   * `service` is the container's, when known (the socket proxy always knows it).
   */
  refuseArgs?: (args: readonly string[], service: string | undefined) => string | undefined;
}

/**
 * Mastodon's version file in its image, the one file the dashboard reads with cat (lib/mastodon/running-version.ts).
 */
export const MASTODON_VERSION_RB = '/opt/mastodon/lib/mastodon/version.rb';

/**
 * Redis's snapshot in the official redis image (WORKDIR /data, the default dbfilename dump.rdb; Mastodon's
 * docker-compose.yml mounts ./redis there): the one file a backup reads from the redis container (lib/backups).
 */
export const REDIS_DUMP_RDB = '/data/dump.rdb';

/** Which file cat may read in which services: each file only where it lives. */
const CAT_FILES: Record<string, readonly string[]> = {
  [MASTODON_VERSION_RB]: APP_SERVICES,
  [REDIS_DUMP_RDB]: ['redis'],
};

/**
 * A database or role name for pg_dump and pg_restore: no '=', ':' or '/', so that it can never be read as a
 * connection string (which could point the tool at another server), and no leading '-'.
 */
const PG_NAME = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}';
/** The scratch databases verification restores into (lib/backups): the only ones pg_restore may write. */
export const VERIFY_DATABASE = 'mastodash_verify_\\d{8}t\\d{6}';

/**
 * The media folder in the image by either name (lib/mastodon/media-path.ts), optionally a folder inside it: what du
 * may measure. No `..` segment, so that it cannot climb out.
 */
const MEDIA_FOLDER = '/(?:opt/)?mastodon/public/system(?:/(?!\\.\\.(?:/|$))[A-Za-z0-9_.-]+)*';

/** du only measures the media folder: its parts (`-k -d 1`, the storage panel) or a total (`-sk`). */
function duRefusal(args: readonly string[]): string | undefined {
  return argumentsAre(args, ['-k', '-d', '1', MEDIA_FOLDER]) || argumentsAre(args, ['-sk', MEDIA_FOLDER])
    ? undefined
    : 'du is only run as du -k -d 1 <media folder> or du -sk <media folder>';
}

/** True when there are as many arguments as patterns and each matches its own, whole. */
function argumentsAre(args: readonly string[], patterns: readonly string[]): boolean {
  return args.length === patterns.length && patterns.every((pattern, i) => new RegExp(`^${pattern}$`).test(args[i]!));
}

// find can run programs and write files by itself; the dashboard only ever counts with -print0.
const FIND_ACTIONS = new Set([
  '-exec',
  '-execdir',
  '-ok',
  '-okdir',
  '-delete',
  '-fprint',
  '-fprint0',
  '-fprintf',
  '-fls',
]);

/**
 * tootctl's cleanup commands with the only options the dashboard sends (lib/mastodon/cleanup/commands.ts): whole
 * days, the dry run, and what `media remove` removes. Each option at most once.
 */
const TOOTCTL_CLEANUP: Record<string, RegExp> = {
  'media remove': /^--(?:days=\d{1,4}|prune-profiles|remove-headers|include-follows|dry-run)$/,
  'preview_cards remove': /^--(?:days=\d{1,4}|dry-run)$/,
  'media remove-orphans': /^--dry-run$/,
};

function isTootctlCleanup(args: readonly string[]): boolean {
  const [group, command, ...options] = args;
  const allowed = TOOTCTL_CLEANUP[`${group} ${command}`];
  if (allowed === undefined || !options.every((option) => allowed.test(option))) return false;
  return new Set(options.map((option) => option.split('=')[0])).size === options.length;
}

export const EXEC_PROGRAMS = {
  /**
   * `tootctl accounts create` and `accounts modify <name> --approve` (lib/mastodon/tootctl.ts), and the cleanup
   * commands `media remove`, `media remove-orphans` and `preview_cards remove`; nothing else of tootctl.
   */
  tootctl: {
    services: APP_SERVICES,
    runsAs: ['image'],
    refuseArgs: (args) => {
      const [group, command, , ...options] = args;
      const create = group === 'accounts' && command === 'create';
      const approve =
        group === 'accounts' && command === 'modify' && options.length === 1 && options[0] === '--approve';
      return create || approve || isTootctlCleanup(args)
        ? undefined
        : 'the dashboard runs only tootctl accounts create, tootctl accounts modify <name> --approve, and' +
            ' tootctl media remove, media remove-orphans and preview_cards remove with the options of its cleanup jobs';
    },
  },
  /** The migration files in the image (lib/mastodon/health.ts). */
  ls: { services: APP_SERVICES, runsAs: ['image'] },
  /** Mastodon's uid and gid in the image (lib/mastodon/media-permissions.ts). */
  id: { services: APP_SERVICES, runsAs: ['image'] },
  /** The media folder's owner and mode, as root so that an unreadable folder is still described. */
  stat: { services: APP_SERVICES, runsAs: ['root'] },
  /** Whether Mastodon's uid:gid may write the media folder. */
  test: { services: APP_SERVICES, runsAs: ['uid:gid'] },
  /** Counting what the media fix would change. */
  find: {
    services: APP_SERVICES,
    runsAs: ['root'],
    refuseArgs: (args) => {
      const action = args.find((arg) => FIND_ACTIONS.has(arg));
      return action ? `find ${action} runs or writes something; the dashboard only counts with find` : undefined;
    },
  },
  /** The media fix: `chown -R -h 991:991 -- <media path>` (lib/mastodon/media-permissions.ts). */
  chown: { services: APP_SERVICES, runsAs: ['root'] },
  /** The media folder's size and parts, always under timeout(1) (lib/mastodon/storage/media-folder.ts). */
  du: { services: APP_SERVICES, runsAs: ['image'], refuseArgs: duRefusal },
  /**
   * The running version, when the instance API does not answer: only Mastodon's version.rb, in web and sidekiq; and a
   * backup's copy of Redis's snapshot, only /data/dump.rdb, in redis. Nothing else.
   */
  cat: {
    services: [...APP_SERVICES, 'redis'],
    runsAs: ['image'],
    refuseArgs: (args, service) => {
      const file = args.length === 1 ? args[0]! : '';
      const where = Object.hasOwn(CAT_FILES, file) ? CAT_FILES[file] : undefined;
      if (where === undefined) return `cat is only run on ${MASTODON_VERSION_RB} or ${REDIS_DUMP_RDB}`;
      return service === undefined || where.includes(service)
        ? undefined
        : `cat of ${args[0]} is only run in ${where.join(' and ')}, not in ${service}`;
    },
  },
  timeout: {
    services: APP_SERVICES,
    runsAs: ['image'],
    // timeout runs its argument: allowed only around du, the one program the dashboard runs under it, on du's terms.
    refuseArgs: (args) =>
      /^\d{1,6}$/.test(args[0] ?? '') && args[1] === 'du'
        ? duRefusal(args.slice(2))
        : 'timeout is only run as timeout <seconds> du …',
  },
  /** A backup: the database in custom format on stdout (lib/backups), always these four options. */
  pg_dump: {
    services: ['db'],
    runsAs: ['image'],
    refuseArgs: (args) =>
      argumentsAre(args, ['--format=custom', '--no-password', `--username=${PG_NAME}`, `--dbname=${PG_NAME}`])
        ? undefined
        : 'pg_dump is only run as pg_dump --format=custom --no-password --username=<name> --dbname=<name>',
  },
  /** A backup's verification: the file on stdin, restored into a scratch database and nowhere else. */
  pg_restore: {
    services: ['db'],
    runsAs: ['image'],
    stdin: true,
    refuseArgs: (args) =>
      argumentsAre(args, [
        '--no-password',
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        `--username=${PG_NAME}`,
        `--dbname=${VERIFY_DATABASE}`,
      ])
        ? undefined
        : 'pg_restore is only run into a scratch database mastodash_verify_<time>, reading the backup on stdin',
  },
} as const satisfies Record<string, ExecProgram>;

export type ExecProgramName = keyof typeof EXEC_PROGRAMS;

/** A command the dashboard may run: one of the programs above, then its arguments. */
export type ExecArgv = readonly [ExecProgramName, ...string[]];

export function isExecProgram(name: string): name is ExecProgramName {
  return Object.hasOwn(EXEC_PROGRAMS, name);
}

function runsAsOf(user: string | undefined): RunsAs | undefined {
  if (user === undefined) return 'image';
  if (user === '0' || user === 'root') return 'root';
  return /^\d{1,10}:\d{1,10}$/.test(user) ? 'uid:gid' : undefined;
}

/**
 * Why this command (program, arguments, user) is not one the dashboard runs; undefined when it is. With `service`,
 * also whether the program runs in that service's containers (the socket proxy always knows it).
 */
export function execCommandRefusal(
  cmd: readonly string[],
  user: string | undefined,
  service?: string,
): string | undefined {
  const [program, ...args] = cmd;
  if (program === undefined || !isExecProgram(program)) {
    return (
      `the dashboard never runs ${JSON.stringify(program ?? '')}; it runs only` +
      ` ${Object.keys(EXEC_PROGRAMS).join(', ')}`
    );
  }
  const spec: ExecProgram = EXEC_PROGRAMS[program];
  if (service !== undefined && !(spec.services as readonly string[]).includes(service)) {
    return `the dashboard runs ${program} only in ${spec.services.join(' and ')}, not in ${service}`;
  }
  const runsAs = runsAsOf(user);
  if (runsAs === undefined || !spec.runsAs.includes(runsAs)) {
    const who = user === undefined ? "the image's user" : `user ${JSON.stringify(user)}`;
    return `the dashboard never runs ${program} as ${who}`;
  }
  return spec.refuseArgs?.(args, service);
}

/** The exec-create body the dashboard sends (POST /containers/{id}/exec), the only shape the proxy accepts. */
export interface ExecCreateBody {
  Cmd: string[];
  AttachStdin?: true;
  AttachStdout: true;
  AttachStderr: true;
  Tty: false;
  User?: string;
}

export function execCreateBody(argv: ExecArgv, user?: string): ExecCreateBody {
  const spec: ExecProgram = EXEC_PROGRAMS[argv[0]];
  return {
    Cmd: [...argv],
    ...(spec.stdin ? { AttachStdin: true as const } : {}),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(user !== undefined ? { User: user } : {}),
  };
}

const BODY_KEYS = new Set(['Cmd', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'User']);

/**
 * Why an exec-create body is not one the dashboard sends into a container of `service`; undefined when it is.
 * `body` is the parsed JSON.
 */
export function execCreateRefusal(body: unknown, service: string | null): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the exec body is not a JSON object';
  const fields = body as Record<string, unknown>;
  if (fields.Privileged !== undefined && fields.Privileged !== false) return 'a privileged exec is refused';
  const unknownKey = Object.keys(fields).find((key) => !BODY_KEYS.has(key));
  if (unknownKey !== undefined) return `the dashboard never sends ${unknownKey} in an exec`;
  if (fields.AttachStdout !== true || fields.AttachStderr !== true)
    return 'the dashboard always attaches stdout and stderr';
  if (fields.Tty !== false && fields.Tty !== undefined) return 'the dashboard never asks for a terminal';
  const cmd = fields.Cmd;
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((arg): arg is string => typeof arg === 'string')) {
    return 'Cmd must be a non-empty list of strings';
  }
  if (fields.User !== undefined && typeof fields.User !== 'string') return 'User must be a string';
  const refusal = execCommandRefusal(cmd, fields.User as string | undefined, service ?? '(no compose service)');
  if (refusal !== undefined) return refusal;
  const takesStdin = (EXEC_PROGRAMS[cmd[0] as ExecProgramName] as ExecProgram).stdin === true;
  if (fields.AttachStdin !== undefined && !(takesStdin && fields.AttachStdin === true)) {
    return `the dashboard never feeds ${cmd[0]} stdin`;
  }
  if (takesStdin && fields.AttachStdin !== true) return `the dashboard always feeds ${cmd[0]} its stdin`;
  return undefined;
}
