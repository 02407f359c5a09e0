import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readTestbed, type Testbed } from '@/test/support/testbed';

const run = promisify(execFile);
const SERVICES = ['db', 'redis', 'web', 'streaming', 'sidekiq'] as const;
type Service = (typeof SERVICES)[number];
const UNHEALTHY_OUTPUT = 'unhealthy: /tmp/unhealthy present';

const inspectSchema = z.array(
  z.object({
    Id: z.string(),
    Name: z.string(),
    Config: z.object({ Image: z.string(), Labels: z.record(z.string(), z.string()).nullable() }),
    HostConfig: z.object({ NetworkMode: z.string() }),
    State: z.object({
      Status: z.string(),
      Health: z
        .object({ Status: z.string(), Log: z.array(z.object({ ExitCode: z.number(), Output: z.string() })).nullable() })
        .optional(),
    }),
    Mounts: z.array(z.object({ Source: z.string(), Destination: z.string() })).nullable(),
  }),
);
type Inspect = z.infer<typeof inspectSchema>[number];

let testbed: Testbed;

async function docker(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost }, maxBuffer: 16 * 1024 * 1024 });
}

async function inspect(name: string): Promise<Inspect> {
  const { stdout } = await docker('inspect', '--type', 'container', name);
  const [info] = inspectSchema.parse(JSON.parse(stdout));
  if (!info) throw new Error(`docker inspect ${name} returned nothing`);
  return info;
}

async function healthOf(name: string): Promise<string | undefined> {
  return (await inspect(name)).State.Health?.Status;
}

async function waitForHealth(name: string, wanted: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = await healthOf(name);
    if (last === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${name} did not become ${wanted} within ${timeoutMs} ms (last status: ${last ?? 'none'})`);
}

const containerName = (project: string, service: Service): string => `${project}-${service}-1`;

function projectDir(project: string): string {
  return project === testbed.project ? testbed.mastodonDir : join(dirname(testbed.mastodonDir), project);
}

beforeAll(() => {
  testbed = readTestbed();
});

describe.each(['project', 'otherProject'] as const)('compose-shaped containers of the %s', (which) => {
  const project = (): string => testbed[which];

  it.each(SERVICES)('%s carries exactly the labels Docker Compose v2 sets', async (service) => {
    const info = await inspect(containerName(project(), service));
    const dir = projectDir(project());
    const { stdout: imageId } = await docker('image', 'inspect', '--format', '{{.Id}}', info.Config.Image);
    const dependsOn = ['web', 'streaming', 'sidekiq'].includes(service)
      ? 'db:service_started:false,redis:service_started:false'
      : '';
    expect(info.Config.Labels).toEqual({
      'com.docker.compose.project': project(),
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project.config_files': `${dir}/docker-compose.yml`,
      'com.docker.compose.project.working_dir': dir,
      'com.docker.compose.version': '2.29.7',
      'com.docker.compose.config-hash': expect.stringMatching(/^[0-9a-f]{64}$/),
      'com.docker.compose.image': imageId.trim(),
      'com.docker.compose.depends_on': dependsOn,
    });
  });

  it.each(SERVICES)('%s runs, turns healthy and uses the documented network mode', async (service) => {
    const name = containerName(project(), service);
    await waitForHealth(name, 'healthy');
    const info = await inspect(name);
    expect(info.State.Status).toBe('running');
    expect(info.HostConfig.NetworkMode).toBe(
      service === 'web' || service === 'sidekiq' || service === 'streaming' ? 'host' : 'none',
    );
  });
});

describe('project separation', () => {
  it('lists five containers per project, none shared', async () => {
    const list = async (project: string): Promise<string[]> => {
      const { stdout } = await docker(
        'ps',
        '-a',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--format',
        '{{.Names}}',
      );
      return stdout.split('\n').filter(Boolean).sort();
    };
    const mine = await list(testbed.project);
    const other = await list(testbed.otherProject);
    expect(mine).toEqual(SERVICES.map((s) => containerName(testbed.project, s)).sort());
    expect(other).toEqual(SERVICES.map((s) => containerName(testbed.otherProject, s)).sort());
    const ids = await Promise.all([...mine, ...other].map(async (name) => (await inspect(name)).Id));
    expect(new Set(ids).size).toBe(10);
  });

  it('binds each project its own public/system', async () => {
    for (const project of [testbed.project, testbed.otherProject]) {
      const info = await inspect(containerName(project, 'web'));
      expect(info.Mounts).toContainEqual(
        expect.objectContaining({
          Source: `${projectDir(project)}/public/system`,
          Destination: '/mastodon/public/system',
        }),
      );
    }
  });
});

describe('health can be broken on purpose', () => {
  const names = (): string[] => SERVICES.map((s) => containerName(testbed.project, s));

  afterAll(async () => {
    await Promise.all(names().map((name) => docker('exec', name, 'rm', '-f', '/tmp/unhealthy')));
    await Promise.all(names().map((name) => waitForHealth(name, 'healthy')));
  });

  it('turns every container unhealthy while /tmp/unhealthy exists, and healthy again without it', async () => {
    await Promise.all(names().map((name) => docker('exec', name, 'touch', '/tmp/unhealthy')));
    await Promise.all(names().map((name) => waitForHealth(name, 'unhealthy')));
    for (const name of names()) {
      const log = (await inspect(name)).State.Health?.Log ?? [];
      const last = log[log.length - 1];
      expect(last?.ExitCode, name).toBe(1);
      expect(last?.Output.trim(), name).toBe(UNHEALTHY_OUTPUT);
    }
    await Promise.all(names().map((name) => docker('exec', name, 'rm', '-f', '/tmp/unhealthy')));
    await Promise.all(names().map((name) => waitForHealth(name, 'healthy')));
  });
});

describe('the public/system permission problem (uid 991, Errno::EACCES)', () => {
  it('has /opt/mastodon/public/system owned by root:root inside web, which runs as uid 991', async () => {
    const web = containerName(testbed.project, 'web');
    const { stdout: owner } = await docker('exec', web, 'stat', '-c', '%U:%G %u:%g', '/opt/mastodon/public/system');
    expect(owner.trim()).toBe('root:root 0:0');
    const { stdout: id } = await docker('exec', web, 'id', '-u');
    expect(id.trim()).toBe('991');
  });

  it("logs paperclip's Errno::EACCES in web", async () => {
    const web = containerName(testbed.project, 'web');
    const line = 'Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):';
    const deadline = Date.now() + 15_000;
    let logs = '';
    while (Date.now() < deadline) {
      const { stdout, stderr } = await docker('logs', '--tail', '200', web);
      logs = stdout + stderr;
      if (logs.includes(line)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(logs).toContain(line);
    expect(logs).toMatch(/method=GET path=\/health .*controller=HealthController action=show status=200/);
  });
});
