import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { DETECTORS } from '@/lib/attention/registry';
import { runDetector } from '@/lib/attention/run';
import type { AttentionFinding } from '@/lib/attention/types';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';
import {
  composeName,
  crashOnRestart,
  createComposeContainer,
  removeComposeContainers,
  testbedDocker,
  waitUntilUp,
} from '../../support/crashing-containers';
import { readTestbed } from '../../support/testbed';
import { english } from '../../support/rendered-texts';

// A project of its own whose streaming is killed for memory at every start after the first (8 MiB limit).
const PROJECT = 'mdattnloop';
const STREAMING = composeName(PROJECT, 'streaming');
const containers = DETECTORS.find((detector) => detector.id === 'containers')!;
let dataDir: string;
let store: Store;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'mastodash-attention-loop-'));
  store = openStore(dataDir);
  setStoreForTesting(store);
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: readTestbed().dockerHost, COMPOSE_PROJECT: PROJECT } }));
  await createComposeContainer(PROJECT, 'web', 'touch /tmp/started; exec sleep 100000');
  await createComposeContainer(PROJECT, 'streaming', crashOnRestart('oom'), { memoryBytes: 8 * 1024 * 1024 });
  await waitUntilUp(PROJECT, 'streaming');
}, 60_000);

afterAll(async () => {
  await removeComposeContainers(PROJECT, ['web', 'streaming']);
  setConfigForTesting(undefined);
  setStoreForTesting(undefined);
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('reports a container that Docker keeps restarting after OOM kills as critical, with OOMKilled in the evidence', async () => {
  expect(await runDetector(containers)).toEqual([]);
  await testbedDocker.getContainer(STREAMING).restart({ t: 0 });
  const deadline = Date.now() + 30_000;
  let findings: AttentionFinding[] = [];
  const looping = (f: AttentionFinding) => f.key === `container.restart-loop:${STREAMING}` && f.severity === 'critical';
  while (!findings.some(looping) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    findings = await runDetector(containers);
  }
  const finding = english(findings.find(looping));
  expect(finding).toMatchObject({ detector: 'containers', title: 'streaming is restarting in a loop' });
  expect(finding!.evidence).toMatch(/^Docker has restarted mdattnloop-streaming-1 \d+ times?.*OOMKilled/);
  expect(findings.filter((f) => f.key.includes('mdattnloop-web-1'))).toEqual([]);
}, 60_000);
