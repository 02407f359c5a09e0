/**
 * Every command the dashboard runs in Mastodon's containers through Docker exec, and the one exec-create
 * body it sends. The dashboard (lib/docker/exec.ts) and the socket proxy (lib/socket-proxy) both import this
 * module, so the proxy lets through exactly what the dashboard runs and nothing a dashboard taken over
 * could add: no shell, no other program, no other user, no environment. Pure, with no server-only import,
 * because the proxy's bundle uses it too.
 */

/** The compose services the dashboard runs commands in (Mastodon's app containers, as its compose file names them). */
export const EXEC_SERVICES = ['web', 'sidekiq'] as const;

/** Who a program runs as: the image's user (no `User` sent), root (`0`), or a numeric `uid:gid`. */
type RunsAs = 'image' | 'root' | 'uid:gid';

interface ExecProgram {
  runsAs: readonly RunsAs[];
  /** Why these arguments are refused, when they are (for the programs whose arguments could run something else). */
  refuseArgs?: (args: readonly string[]) => string | undefined;
}

/**
 * Mastodon's version file in its image, the one file the dashboard reads with cat (lib/mastodon/running-version.ts).
 */
export const MASTODON_VERSION_RB = '/opt/mastodon/lib/mastodon/version.rb';

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

export const EXEC_PROGRAMS = {
  /**
   * `tootctl accounts create` and `accounts modify <name> --approve` (lib/mastodon/tootctl.ts),
   * nothing else of tootctl.
   */
  tootctl: {
    runsAs: ['image'],
    refuseArgs: (args) => {
      const [group, command, , ...options] = args;
      const create = group === 'accounts' && command === 'create';
      const approve =
        group === 'accounts' && command === 'modify' && options.length === 1 && options[0] === '--approve';
      return create || approve
        ? undefined
        : 'the dashboard runs only tootctl accounts create and tootctl accounts modify <name> --approve';
    },
  },
  /** The migration files in the image (lib/mastodon/health.ts). */
  ls: { runsAs: ['image'] },
  /** Mastodon's uid and gid in the image (lib/mastodon/media-permissions.ts). */
  id: { runsAs: ['image'] },
  /** The media folder's owner and mode, as root so that an unreadable folder is still described. */
  stat: { runsAs: ['root'] },
  /** Whether Mastodon's uid:gid may write the media folder. */
  test: { runsAs: ['uid:gid'] },
  /** Counting what the media fix would change. */
  find: {
    runsAs: ['root'],
    refuseArgs: (args) => {
      const action = args.find((arg) => FIND_ACTIONS.has(arg));
      return action ? `find ${action} runs or writes something; the dashboard only counts with find` : undefined;
    },
  },
  /** The media fix: `chown -R -h 991:991 -- <media path>` (lib/mastodon/media-permissions.ts). */
  chown: { runsAs: ['root'] },
  /** The media folder's size, always under timeout(1) (lib/mastodon/storage/media-folder.ts). */
  du: { runsAs: ['image'] },
  /** The running version, when the instance API does not answer: only Mastodon's version.rb, nothing else. */
  cat: {
    runsAs: ['image'],
    refuseArgs: (args) =>
      args.length === 1 && args[0] === MASTODON_VERSION_RB ? undefined : `cat is only run on ${MASTODON_VERSION_RB}`,
  },
  timeout: {
    runsAs: ['image'],
    // timeout runs its argument: allowed only around du, the one program the dashboard runs under it.
    refuseArgs: (args) =>
      /^\d{1,6}$/.test(args[0] ?? '') && args[1] === 'du' ? undefined : 'timeout is only run as timeout <seconds> du …',
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

/** Why this command (program, arguments, user) is not one the dashboard runs; undefined when it is. */
export function execCommandRefusal(cmd: readonly string[], user: string | undefined): string | undefined {
  const [program, ...args] = cmd;
  if (program === undefined || !isExecProgram(program)) {
    return (
      `the dashboard never runs ${JSON.stringify(program ?? '')}; it runs only` +
      ` ${Object.keys(EXEC_PROGRAMS).join(', ')}`
    );
  }
  const spec: ExecProgram = EXEC_PROGRAMS[program];
  const runsAs = runsAsOf(user);
  if (runsAs === undefined || !spec.runsAs.includes(runsAs)) {
    const who = user === undefined ? "the image's user" : `user ${JSON.stringify(user)}`;
    return `the dashboard never runs ${program} as ${who}`;
  }
  return spec.refuseArgs?.(args);
}

/** The exec-create body the dashboard sends (POST /containers/{id}/exec), the only shape the proxy accepts. */
export interface ExecCreateBody {
  Cmd: string[];
  AttachStdout: true;
  AttachStderr: true;
  Tty: false;
  User?: string;
}

export function execCreateBody(argv: ExecArgv, user?: string): ExecCreateBody {
  return {
    Cmd: [...argv],
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(user !== undefined ? { User: user } : {}),
  };
}

const BODY_KEYS = new Set(['Cmd', 'AttachStdout', 'AttachStderr', 'Tty', 'User']);

/** Why an exec-create body is not one the dashboard sends; undefined when it is. `body` is the parsed JSON. */
export function execCreateRefusal(body: unknown): string | undefined {
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
  return execCommandRefusal(cmd, fields.User as string | undefined);
}
