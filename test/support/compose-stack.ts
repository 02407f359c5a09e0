import { readFileSync, statSync, writeFileSync } from 'node:fs';

import Docker from 'dockerode';

import { DockerFrameReader } from '../../lib/docker/log-decoder';
import { parseYaml, type YamlMapping, type YamlValue } from '../../lib/mastodon/compose-yaml';
import { readTestbed, type Testbed } from './testbed';

/**
 * Runs the services of one of deploy/compose.mastodash*.yml on the test bed's dockerd, translated field by
 * field into Docker API calls, so that what the tests exercise is what the file says. There is no compose
 * binary and no bridge networking here, so the translation makes these substitutions, and only these:
 * - the compose networks become the host network (the test bed's Postgres, Redis and Mastodon stand-ins
 *   listen on 127.0.0.1), so the dashboard listens on 127.0.0.1:<port> instead of publishing 3001, and
 *   web and streaming are reached at their test-bed ports instead of web:3000 and streaming:4000;
 * - `.` is the test project's directory, /var/run/docker.sock the test bed's socket, and a named volume
 *   gets the stack's prefix;
 * - the image is the one the test run built (mastodash:test) instead of mastodash:latest.
 * With `networks`, the first substitution is dropped: the services join real bridge networks the test
 * created for the file's network names, and the dashboard publishes its port as the file says (host port
 * `port`), listening where the image says (test/integration/image/peers.test.ts).
 */

/** The tag `scripts/testbed/image.sh` gives the image built from this checkout (MASTODASH_TEST_IMAGE overrides it). */
export const TEST_IMAGE = process.env.MASTODASH_TEST_IMAGE ?? 'mastodash:test';
const COMPOSE_FILES = {
  proxied: 'deploy/compose.mastodash.yml',
  direct: 'deploy/compose.mastodash-direct.yml',
} as const;

export interface StackOptions {
  file: keyof typeof COMPOSE_FILES;
  /** Container and volume names start with this. */
  prefix: string;
  /** Where the dashboard listens on the host (loopback). */
  port: number;
  /** Changes a service's definition before it runs (the troubleshooting tests break one thing on purpose). */
  adjust?: (service: string, definition: YamlMapping) => void;
  /** Extra environment for the dashboard service (e.g. the InfluxDB settings the file leaves commented out). */
  extraEnv?: Record<string, string>;
  /**
   * Name lookups fail at once inside the containers (a resolver on 127.0.0.1, where none listens), as a
   * compose name like `db` fails off its network, without a query to the machine's real resolver.
   */
  noNameResolution?: boolean;
  /**
   * Compose network name → name of a network the test created. Given, a service joins the networks its
   * `networks:` lists (with its service name as alias) and publishes its `ports:` (the host port becomes
   * `port`) instead of running on the host network, and the dashboard keeps the image's HOST and PORT.
   */
  networks?: Record<string, string>;
}

export interface RunningStack {
  /** Container name per compose service. */
  containers: Record<string, string>;
  url: string;
}

const testbed: Testbed = readTestbed();
export const testbedDocker = new Docker({ socketPath: testbed.dockerHost.replace(/^unix:\/\//, '') });

function mapping(value: YamlValue | undefined, what: string): YamlMapping {
  if (value instanceof Map) return value;
  throw new Error(`${what} must be a mapping`);
}

function list(value: YamlValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value.map((item) => String(item));
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}`. */
function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g,
    (_, name: string, kind: string | undefined, rest: string) => {
      const value = variables[name];
      if (value !== undefined && value !== '') return value;
      if (kind === '-') return rest;
      if (kind === '?') throw new Error(`${name}: ${rest}`);
      return '';
    },
  );
}

function durationNs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(ms|s|m)$/.exec(text);
  if (!match) throw new Error(`unsupported duration ${text}`);
  const factor = { ms: 1e6, s: 1e9, m: 60e9 }[match[2] as 'ms' | 's' | 'm'];
  return Number(match[1]) * factor;
}

export function readComposeServices(file: keyof typeof COMPOSE_FILES): Map<string, YamlMapping> {
  const root = mapping(parseYaml(readFileSync(COMPOSE_FILES[file], 'utf8')), 'the file');
  const services = mapping(root.get('services'), 'services');
  return new Map([...services].map(([name, value]) => [name, mapping(value, `services.${name}`)]));
}

/** Variables the admin puts into Mastodon's .env, as the file's header asks. */
function composeVariables(): Record<string, string> {
  const socket = testbed.dockerHost.replace(/^unix:\/\//, '');
  return { COMPOSE_PROJECT_NAME: testbed.project, DOCKER_GID: String(statSync(socket).gid) };
}

function loopbackResolvConf(): string {
  const file = '/run/mastodash-testbed/resolv-loopback.conf';
  writeFileSync(file, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  return file;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const services = readComposeServices(options.file);
  const variables = composeVariables();
  const containers: Record<string, string> = {};
  await removeStack(options.prefix);

  // depends_on first.
  const order = [...services.keys()].sort((a, b) =>
    list(services.get(a)?.get('depends_on')).includes(b)
      ? 1
      : list(services.get(b)?.get('depends_on')).includes(a)
        ? -1
        : 0,
  );
  for (const name of order) {
    const definition = services.get(name) as YamlMapping;
    options.adjust?.(name, definition);
    const image = String(definition.get('image'));
    if (image !== 'mastodash:latest') throw new Error(`services.${name}.image is ${image}, expected mastodash:latest`);
    const isDashboard = !definition.has('command');

    const environment = new Map<string, string>();
    for (const [key, value] of mapping(definition.get('environment') ?? new Map(), `services.${name}.environment`)) {
      environment.set(key, interpolate(String(value), variables));
    }
    if (isDashboard && options.networks === undefined) {
      environment.set('HOST', '127.0.0.1');
      environment.set('PORT', String(options.port));
      environment.set('MASTODON_WEB_URL', `http://127.0.0.1:${testbed.webPort}`);
      environment.set('MASTODON_STREAMING_URL', `http://127.0.0.1:${testbed.webPort + 1000}`);
    }
    if (isDashboard) {
      for (const [key, value] of Object.entries(options.extraEnv ?? {})) environment.set(key, value);
    }

    const binds = list(definition.get('volumes')).map((spec) => {
      const [source = '', target = '', mode] = interpolate(spec, variables).split(':');
      let hostSource: string;
      if (source === '.') hostSource = testbed.mastodonDir;
      else if (source === '/var/run/docker.sock') hostSource = testbed.dockerHost.replace(/^unix:\/\//, '');
      else if (/^[a-z][a-z0-9_-]*$/.test(source)) hostSource = `${options.prefix}-${source}`;
      else throw new Error(`services.${name}.volumes: unexpected source ${source}`);
      return [hostSource, target, ...(mode ? [mode] : [])].join(':');
    });
    if (options.noNameResolution) binds.push(`${loopbackResolvConf()}:/etc/resolv.conf:ro`);

    const ports = list(definition.get('ports'));
    for (const port of ports) {
      if (!port.startsWith('127.0.0.1:')) throw new Error(`services.${name}.ports: ${port} is not bound to loopback`);
    }
    const composeNetworks =
      definition.has('network_mode') || options.networks === undefined ? [] : list(definition.get('networks'));
    const dockerNetworks = composeNetworks.map((network) => {
      const real = options.networks?.[network];
      if (real === undefined) throw new Error(`services.${name}.networks: the test created no network for ${network}`);
      return real;
    });
    const networkMode = definition.has('network_mode')
      ? String(definition.get('network_mode'))
      : (dockerNetworks[0] ?? 'host');
    if (ports.length > 1 && dockerNetworks.length > 0)
      throw new Error(`services.${name}.ports: one published port is supported, got ${ports.length}`);
    const published = dockerNetworks.length > 0 ? ports.map((port) => /^127\.0\.0\.1:\d+:(\d+)$/.exec(port)?.[1]) : [];
    if (published.some((containerPort) => containerPort === undefined))
      throw new Error(`services.${name}.ports: expected 127.0.0.1:HOST:CONTAINER`);
    const exposed = Object.fromEntries(published.map((containerPort) => [`${containerPort}/tcp`, {}]));
    const bindings = Object.fromEntries(
      published.map((containerPort) => [
        `${containerPort}/tcp`,
        [{ HostIp: '127.0.0.1', HostPort: String(options.port) }],
      ]),
    );

    const healthcheck = definition.get('healthcheck');
    const health =
      healthcheck instanceof Map
        ? {
            Test: list(healthcheck.get('test')),
            Interval: durationNs(healthcheck.get('interval') as string | undefined),
            Timeout: durationNs(healthcheck.get('timeout') as string | undefined),
            StartPeriod: durationNs(healthcheck.get('start_period') as string | undefined),
            Retries: healthcheck.get('retries') as number | undefined,
          }
        : undefined;

    const command = definition.get('command');
    const containerName = `${options.prefix}-${name}`;
    const container = await testbedDocker.createContainer({
      name: containerName,
      Image: TEST_IMAGE,
      ...(command !== undefined ? { Cmd: list(command) } : {}),
      Env: [...environment].map(([key, value]) => `${key}=${value}`),
      Labels: { 'mastodash.test-stack': options.prefix },
      ...(health ? { Healthcheck: health } : {}),
      ...(published.length > 0 ? { ExposedPorts: exposed } : {}),
      HostConfig: {
        NetworkMode: networkMode,
        Binds: binds,
        GroupAdd: list(definition.get('group_add')).map((group) => interpolate(group, variables)),
        Init: definition.get('init') === true,
        ...(published.length > 0 ? { PortBindings: bindings } : {}),
      },
      ...(dockerNetworks[0] !== undefined
        ? { NetworkingConfig: { EndpointsConfig: { [dockerNetworks[0]]: { Aliases: [name] } } } }
        : {}),
    });
    // As Compose does: one network at create, the others connected before the start.
    for (const network of dockerNetworks.slice(1)) {
      await testbedDocker.getNetwork(network).connect({ Container: container.id, EndpointConfig: { Aliases: [name] } });
    }
    await container.start();
    containers[name] = containerName;
  }
  return { containers, url: `http://127.0.0.1:${options.port}` };
}

/** Removes the stack's containers and volumes (also those a crashed earlier run left). */
export async function removeStack(prefix: string): Promise<void> {
  const leftovers = await testbedDocker.listContainers({
    all: true,
    filters: { label: [`mastodash.test-stack=${prefix}`] },
  });
  for (const container of leftovers) await testbedDocker.getContainer(container.Id).remove({ force: true, v: true });
  const { Volumes } = await testbedDocker.listVolumes();
  for (const volume of Volumes ?? []) {
    if (volume.Name.startsWith(`${prefix}-`)) await testbedDocker.getVolume(volume.Name).remove();
  }
}

export async function waitHealthy(container: string, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  let status = '';
  while (Date.now() - started < timeoutMs) {
    const info = await testbedDocker.getContainer(container).inspect();
    status = info.State.Health?.Status ?? 'none';
    if (status === 'healthy') return Date.now() - started;
    if (!info.State.Running) {
      const logs = (
        await testbedDocker.getContainer(container).logs({ stdout: true, stderr: true, tail: 30 })
      ).toString('utf8');
      throw new Error(`${container} stopped (exit ${info.State.ExitCode}):\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${container} health stayed "${status}" for ${timeoutMs} ms`);
}

/** Runs a command in a container, as the guide tells the admin to (docker compose exec). */
export async function execIn(
  container: string,
  cmd: string[],
  stdin?: string,
): Promise<{ exitCode: number; output: string }> {
  const exec = await testbedDocker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: stdin !== undefined,
  });
  const stream = await exec.start({ hijack: true, stdin: stdin !== undefined });
  // Docker's 8-byte stream frames, taken apart as lib/docker/exec.ts does; stdout and stderr in one.
  const frames = new DockerFrameReader(false);
  const collected: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const { payload } of frames.push(chunk)) collected.push(payload);
  });
  if (stdin !== undefined) stream.end(stdin);
  await new Promise((resolve) => stream.on('end', resolve));
  return { exitCode: (await exec.inspect()).ExitCode ?? -1, output: Buffer.concat(collected).toString('utf8') };
}
