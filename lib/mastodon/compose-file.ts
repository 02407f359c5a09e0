import { z } from 'zod';

import { ComposeFileError, lineOfPath, readYaml, type ParsedYaml } from './compose-yaml';

export { ComposeFileError } from './compose-yaml';

/**
 * The typed view of a docker-compose file: the parts the config doctor checks (of mastodon/mastodon's
 * docker-compose.yml, v4.0.2 to v4.5.x; test/unit/mastodon/fixtures/compose holds one per release), validated
 * by one zod schema over what compose-yaml.ts reads. Messages name the field and its line, never its value.
 */

export interface ComposePort {
  /** The host address it is bound to; undefined when the file names none (Docker binds every interface). */
  hostIp?: string;
  /** Host port or range; undefined when Docker picks a random one. */
  published?: string;
  target: string;
  protocol: string;
}

export type HealthcheckTest = { kind: 'shell'; command: string } | { kind: 'exec'; argv: string[] } | { kind: 'none' };

export interface ComposeVolume {
  type: 'bind' | 'volume' | 'tmpfs' | 'other';
  source?: string;
  target: string;
}

export interface ComposeService {
  name: string;
  image?: string;
  build: boolean;
  command?: string | string[];
  healthcheck?: { test?: HealthcheckTest; disabled: boolean };
  ports: ComposePort[];
  /** Networks the service joins; ["default"] when it names neither networks nor network_mode, as Compose does. */
  networks: string[];
  /** `network_mode:` (host, none, service:…, container:…), when set. */
  networkMode?: string;
  envFiles: string[];
  /** `environment:` entries; undefined for a bare name, whose value comes from the shell running compose. */
  environment: Map<string, string | undefined>;
  volumes: ComposeVolume[];
}

export interface ComposeNetwork {
  name: string;
  internal: boolean;
  external: boolean;
}

export interface ComposeFile {
  /** The obsolete top-level `version:` (the older official files have '3'). */
  version?: string;
  services: ComposeService[];
  networks: ComposeNetwork[];
}

const MUST_BE_MAPPING = 'must be a mapping (key: value lines)';
const MUST_BE_LIST = 'must be a list';
const MUST_BE_SINGLE_VALUE = 'must be a single value';

/** A mapping with known keys is checked as an object, so each key gets its own schema. */
function fields<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(
    (value) => (value instanceof Map ? Object.fromEntries(value) : value),
    z.object(shape, { error: MUST_BE_MAPPING }),
  );
}

const text = z.union([z.string(), z.number(), z.boolean()], { error: MUST_BE_SINGLE_VALUE }).transform(String);
const flag = z.unknown().transform((value) => value === true || value === 'true' || value instanceof Map);

/**
 * `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, with an IPv6 host address in brackets; a string is the problem.
 */
function readShortPort(spec: string): ComposePort | string {
  let rest = spec.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:');
    if (close === -1) return 'an IPv6 host address in [ ] must be followed by ":"';
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (parts.some((part) => part.includes('[') || part.includes(']'))) return 'cannot read this port mapping';
  if (hostIp !== undefined) {
    if (parts.length > 2) return 'too many ":" in a port mapping';
    const [published, target] = parts.length === 2 ? parts : [undefined, parts[0]];
    return { hostIp, published: published || undefined, target: target ?? '', protocol };
  }
  if (parts.length === 1) return { target: parts[0]!, protocol };
  if (parts.length === 2) return { published: parts[0] || undefined, target: parts[1]!, protocol };
  if (parts.length === 3)
    return { hostIp: parts[0] || undefined, published: parts[1] || undefined, target: parts[2]!, protocol };
  return 'too many ":" in a port mapping (an IPv6 host address needs [ ])';
}

export function parseShortPort(spec: string, path = 'ports'): ComposePort {
  const port = readShortPort(spec);
  if (typeof port === 'string') throw new ComposeFileError(`${path}: ${port}`);
  return port;
}

const portSchema = z.union(
  [
    z.union([z.string(), z.number()]).transform((spec, ctx) => {
      const port = readShortPort(String(spec));
      if (typeof port !== 'string') return port;
      ctx.addIssue({ code: 'custom', message: port });
      return z.NEVER;
    }),
    fields({
      target: text.nullish(),
      published: text.nullish(),
      host_ip: text.nullish(),
      protocol: text.nullish(),
    }).transform((port, ctx): ComposePort => {
      if (port.target == null) {
        ctx.addIssue({ code: 'custom', message: 'a long-syntax port needs target:' });
        return z.NEVER;
      }
      return {
        target: port.target,
        ...(port.published != null ? { published: port.published } : {}),
        ...(port.host_ip != null ? { hostIp: port.host_ip } : {}),
        protocol: port.protocol ?? 'tcp',
      };
    }),
  ],
  { error: 'must be "host:container" or a mapping with target:' },
);

const healthcheckTestSchema = z.union(
  [
    z.string().transform((command): HealthcheckTest => ({ kind: 'shell', command })),
    z.array(text).transform(([form, ...rest], ctx): HealthcheckTest => {
      if (form === 'NONE') return { kind: 'none' };
      if (form === 'CMD') return { kind: 'exec', argv: rest };
      if (form === 'CMD-SHELL') return { kind: 'shell', command: rest.join(' ') };
      ctx.addIssue({ code: 'custom', message: 'a list must start with CMD, CMD-SHELL or NONE' });
      return z.NEVER;
    }),
  ],
  { error: 'must be a command line or a list' },
);

const healthcheckSchema = z.preprocess(
  (value) => value ?? new Map(),
  fields({ test: healthcheckTestSchema.nullish(), disable: z.unknown().optional() }).transform(
    (check): NonNullable<ComposeService['healthcheck']> => {
      if (check.test?.kind === 'none') return { disabled: true, test: check.test };
      return { disabled: check.disable === true, ...(check.test ? { test: check.test } : {}) };
    },
  ),
);

/**
 * `environment:` as a list of NAME=value or a mapping; a bare name (undefined) takes its value from
 * the shell running compose.
 */
const environmentSchema = z.union(
  [
    z.array(text).transform(
      (entries) =>
        new Map(
          entries.map((entry): [string, string | undefined] => {
            const equals = entry.indexOf('=');
            return equals === -1 ? [entry.trim(), undefined] : [entry.slice(0, equals).trim(), entry.slice(equals + 1)];
          }),
        ),
    ),
    z
      .map(z.string(), text.nullable())
      .transform(
        (entries) =>
          new Map([...entries].map(([key, value]): [string, string | undefined] => [key, value ?? undefined])),
      ),
  ],
  { error: 'must be a list of NAME=value or a mapping' },
);

const envFileSchema = z.union([text, fields({ path: text }).transform((entry) => entry.path)], {
  error: 'must be a path or a mapping with path:',
});
const envFilesSchema = z.union([z.string().transform((path) => [path]), z.array(envFileSchema)], {
  error: 'must be a path or a list',
});

const volumeSchema = z.union(
  [
    text.transform((spec): ComposeVolume => {
      const parts = spec.split(':');
      if (parts.length === 1) return { type: 'volume', target: parts[0]! };
      const [source = '', target = ''] = parts;
      return { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target };
    }),
    fields({ type: text.nullish(), source: text.nullish(), target: text }).transform(
      ({ type = 'volume', source, target }): ComposeVolume => ({
        type: type === 'bind' || type === 'volume' || type === 'tmpfs' ? type : type === null ? 'volume' : 'other',
        ...(source != null ? { source } : {}),
        target,
      }),
    ),
  ],
  { error: 'must be "source:target" or a mapping with target:' },
);

const serviceNetworksSchema = z.union(
  [z.array(text), z.map(z.string(), z.unknown()).transform((networks) => [...networks.keys()])],
  {
    error: 'must be a list or a mapping of network names',
  },
);

const serviceSchema = fields({
  image: text.nullish(),
  build: z.unknown().optional(),
  command: z.union([text, z.array(text)], { error: 'must be a command line or a list' }).nullish(),
  healthcheck: healthcheckSchema.optional(),
  ports: z.array(portSchema, { error: MUST_BE_LIST }).nullish(),
  networks: serviceNetworksSchema.nullish(),
  network_mode: text.nullish(),
  env_file: envFilesSchema.nullish(),
  environment: environmentSchema.nullish(),
  volumes: z.array(volumeSchema, { error: MUST_BE_LIST }).nullish(),
});

function toService(name: string, fields: z.output<typeof serviceSchema>): ComposeService {
  const networkMode = fields.network_mode ?? undefined;
  return {
    name,
    ...(fields.image != null ? { image: fields.image } : {}),
    // `build:` with no value (null) still means the service is built.
    build: fields.build !== undefined,
    ...(fields.command != null ? { command: fields.command } : {}),
    ...(fields.healthcheck ? { healthcheck: fields.healthcheck } : {}),
    ports: fields.ports ?? [],
    // Compose puts a service on "default" when it names neither networks nor network_mode.
    networks: fields.networks ?? (networkMode === undefined ? ['default'] : []),
    ...(networkMode !== undefined ? { networkMode } : {}),
    envFiles: fields.env_file ?? [],
    environment: fields.environment ?? new Map(),
    volumes: fields.volumes ?? [],
  };
}

const networkSchema = z.union([z.null(), fields({ internal: flag.optional(), external: flag.optional() })], {
  error: MUST_BE_MAPPING,
});

const composeFileSchema = z
  .preprocess(
    (value) => (value instanceof Map ? Object.fromEntries(value) : value),
    z.object(
      {
        version: text.nullish(),
        services: z.map(z.string(), serviceSchema, { error: MUST_BE_MAPPING }).nullish(),
        networks: z.map(z.string(), networkSchema, { error: MUST_BE_MAPPING }).nullish(),
      },
      { error: (issue) => (issue.input == null ? 'the file is empty' : `the top level ${MUST_BE_MAPPING}`) },
    ),
  )
  .transform((file, ctx): ComposeFile => {
    if (file.services == null) {
      ctx.addIssue({ code: 'custom', message: 'the file has no services:' });
      return z.NEVER;
    }
    return {
      ...(file.version != null ? { version: file.version } : {}),
      services: [...file.services].map(([name, service]) => toService(name, service)),
      networks: [...(file.networks ?? [])].map(([name, network]) => ({
        name,
        internal: network?.internal ?? false,
        external: network?.external ?? false,
      })),
    };
  });

type Issue = z.core.$ZodIssue;

/** The value is of another kind than this branch reads (a list where a mapping was expected). */
function isKindMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  return (
    issue.code === 'invalid_type' ||
    (issue.code === 'invalid_union' && issue.errors.every((branch) => branch.every(isKindMismatch)))
  );
}

/** In a union, the branch that got furthest says what is wrong; the union's own message when none did. */
function decisiveIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  for (const branch of issue.errors) {
    const deeper = branch.find((candidate) => !isKindMismatch(candidate));
    if (deeper) {
      const inner = decisiveIssue(deeper);
      return { ...inner, path: [...issue.path, ...inner.path] };
    }
  }
  return issue;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function schemaError(yaml: ParsedYaml, issues: readonly Issue[]): ComposeFileError {
  const issue = decisiveIssue(issues[0]!);
  const path = pathText(issue.path);
  // Every message here is one of this file's texts: zod's default messages are replaced below, and
  // none quote the value.
  const reason =
    path === ''
      ? issue.message
      : issue.message.startsWith('must ')
        ? `${path} ${issue.message}`
        : `${path}: ${issue.message}`;
  return new ComposeFileError(reason, lineOfPath(yaml, issue.path));
}

/** Parses a docker-compose file into the typed view; throws ComposeFileError naming the line and the field. */
export function parseComposeFile(text: string): ComposeFile {
  const { yaml, value } = readYaml(text);
  const parsed = composeFileSchema.safeParse(value, {
    error: (issue) => (issue.code === 'invalid_type' ? `must be ${issue.expected}` : 'is not valid here'),
  });
  if (!parsed.success) throw schemaError(yaml, parsed.error.issues);
  return parsed.data;
}

/** A service's health check as one line, as `docker inspect` would show what it runs. */
export function healthcheckText(test: HealthcheckTest | undefined): string | undefined {
  if (!test) return undefined;
  if (test.kind === 'shell') return test.command;
  if (test.kind === 'exec') return test.argv.join(' ');
  return undefined;
}
