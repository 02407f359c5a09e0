import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { readTestbed } from '../../test/support/testbed';

export { testbedService } from '../../test/support/testbed';

const run = promisify(execFile);
export const testbed = readTestbed();

/** The docker CLI against the test bed's own daemon. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    timeout: 60_000,
  });
  return stdout.trim();
}

export async function waitForHealth(container: string, wanted: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  while (Date.now() < deadline) {
    status = await docker('inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{end}}', container);
    if (status === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${container} health stayed "${status}", wanted "${wanted}" within ${timeoutMs} ms`);
}
