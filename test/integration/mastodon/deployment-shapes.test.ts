import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { diagnoseConfig } from '@/lib/mastodon/config-doctor';
import { readMastodonConfigFiles } from '@/lib/mastodon/config-files';
import { probe } from '@/lib/mastodon/health';
import { inEnglish } from '@/lib/i18n/english';
import { healthPanel } from '@/lib/panels/health';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { english } from '../../support/rendered-texts';
import { readTestbed, readTestbedShapes } from '../../support/testbed';

/**
 * The Mastodon panel against the test bed's deployment shapes with MASTODON_WEB_URL and MASTODON_STREAMING_URL
 * unset (the default a new user has): mdhostenv runs web and streaming on the host network with PORT=3300/4300 and
 * BIND=127.0.0.1; mdbridge on compose bridge networks publishing no ports. Before discovery the dashboard probed
 * 127.0.0.1:3000 and :4000 there and said "Not answering: nothing listens there" while Docker called both healthy.
 */
const testbed = readTestbed();
const shapes = readTestbedShapes();
const projectsDir = path.dirname(testbed.mastodonDir);

async function configure(project: string, extra: Record<string, string> = {}): Promise<void> {
  await resetPostgresForTesting();
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: project,
        MASTODON_DIR: path.join(projectsDir, project),
        DATABASE_URL: testbed.pgUrl43,
        ...extra,
      },
    }),
  );
}

async function containerAddress(name: string, network: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'docker',
    ['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name],
    {
      env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    },
  );
  return stdout.trim();
}

/** The panel's data with its Texts in English, as the page shows them to an English reader. */
async function panelData() {
  const panel = await healthPanel();
  if (!panel.ok) {
    throw new Error(`the health panel failed: ${inEnglish(panel.error.title)}: ${inEnglish(panel.error.detail)}`);
  }
  return english(panel.data);
}

afterAll(async () => {
  setConfigForTesting(undefined);
  await resetPostgresForTesting();
});

describe('the Mastodon panel finds web and streaming from their containers', () => {
  it('host network with PORT and BIND: probes 127.0.0.1:3300 and :4300, and says so', async () => {
    // The old default answers nothing there: that is what the panel used to probe.
    const old = await probe('http://127.0.0.1:3000/health');
    expect(old.ok).toBe(false);
    expect(inEnglish(old.problem ?? '')).toBe('connection refused: nothing listens there');
    await configure(shapes.hostEnvProject);
    const { web, streaming, version } = await panelData();
    expect(web).toMatchObject({
      ok: true,
      url: 'http://127.0.0.1:3300/health',
      address: {
        source: 'host-network',
        how: `${shapes.hostEnvProject}-web-1 uses the host network: BIND=127.0.0.1, PORT=3300 in its environment`,
      },
      container: { name: `${shapes.hostEnvProject}-web-1`, health: 'healthy' },
    });
    expect(web.hint).toBeUndefined();
    expect(streaming).toMatchObject({
      ok: true,
      url: 'http://127.0.0.1:4300/api/v1/streaming/health',
      address: { source: 'host-network' },
    });
    // /api/v2/instance is read from the same address.
    expect(version).toMatchObject({
      version: { patchKnown: true },
      source: 'the instance API at http://127.0.0.1:3300',
    });
  });

  it("bridge networks without published ports: probes the containers' addresses on the external network", async () => {
    await configure(shapes.bridgeProject);
    const network = `${shapes.bridgeProject}_external_network`;
    const [webIp, streamingIp] = await Promise.all([
      containerAddress(`${shapes.bridgeProject}-web-1`, network),
      containerAddress(`${shapes.bridgeProject}-streaming-1`, network),
    ]);
    expect(webIp).toMatch(/^172\.29\.10\.\d+$/);
    const { web, streaming } = await panelData();
    expect(web).toMatchObject({
      ok: true,
      url: `http://${webIp}:3000/health`,
      address: {
        source: 'bridge-address',
        how:
          `${shapes.bridgeProject}-web-1 publishes no port: its address on the network` +
          ` ${network}, PORT unset, so 3000`,
      },
    });
    expect(streaming).toMatchObject({
      ok: true,
      url: `http://${streamingIp}:4000/api/v1/streaming/health`,
      address: { source: 'bridge-address' },
    });
  });

  it('the stand-in layout (PORT in the environment, BIND unset) is found too, without the URL keys', async () => {
    await configure(testbed.project);
    const { web, streaming } = await panelData();
    expect(web).toMatchObject({
      ok: true,
      url: `http://127.0.0.1:${testbed.webPort}/health`,
      address: { source: 'host-network' },
    });
    expect(web.address.how).toContain('BIND unset, so 127.0.0.1');
    expect(streaming).toMatchObject({
      ok: true,
      url: `http://127.0.0.1:${testbed.webPort + 1000}/api/v1/streaming/health`,
    });
  });

  it(
    'a configured URL wins; when it does not answer while Docker says healthy, the panel says' +
      ' exactly that and names the key',
    async () => {
      await configure(shapes.hostEnvProject, {
        MASTODON_WEB_URL: 'http://127.0.0.1:3000',
        MASTODON_STREAMING_URL: 'http://127.0.0.1:4300',
      });
      const { web, streaming } = await panelData();
      expect(web).toMatchObject({
        ok: false,
        url: 'http://127.0.0.1:3000/health',
        address: { source: 'configured', how: 'MASTODON_WEB_URL is set' },
      });
      expect(web.hint).toBe(
        `Docker reports ${shapes.hostEnvProject}-web-1 healthy, but http://127.0.0.1:3000/health does not answer: MASTODON_WEB_URL points elsewhere. ` +
          'Set MASTODON_WEB_URL to the address web listens on, as the dashboard reaches it.',
      );
      expect(streaming).toMatchObject({ ok: true, address: { source: 'configured' } });
      expect(streaming.hint).toBeUndefined();
    },
  );
});

describe('the config doctor compares the configured URLs with the containers', () => {
  it('notes MASTODON_WEB_URL naming 3000 while web listens on 3300; accepts the matching streaming URL', async () => {
    await configure(shapes.hostEnvProject, {
      MASTODON_WEB_URL: 'http://127.0.0.1:3000',
      MASTODON_STREAMING_URL: 'http://127.0.0.1:4300',
    });
    const files = await readMastodonConfigFiles();
    const findings = diagnoseConfig(files.input);
    expect(english(findings.find((finding) => finding.id === 'probe-url-differs'))).toMatchObject({
      severity: 'warning',
      key: 'MASTODON_WEB_URL',
      why: expect.stringContaining(
        `it names port 3000, but ${shapes.hostEnvProject}-web-1 listens on 127.0.0.1:3300 (BIND=127.0.0.1,` +
          ` PORT=3300) on the host network`,
      ),
      fix: expect.stringContaining('(http://127.0.0.1:3300 from this dashboard), or unset it'),
    });
    expect(findings.find((finding) => finding.id === 'probe-url-matches')).toMatchObject({
      key: 'MASTODON_STREAMING_URL',
    });
  });
});
