import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { openLogStreamCount } from '@/lib/docker/log-follow';
import { recentLogLines } from '@/lib/docker/logs';
import type { LogFollowState, LogLine, LogsMessage } from '@/lib/docker/log-types';
import { liveTopics } from '@/lib/live';
import { activeLogFollows, followContainerLogs } from '@/lib/live/log-follows';
import { loadContainerLogs } from '@/lib/panels/logs';
import { recogniseLine, summariseFindings } from '@/lib/mastodon/log-recognisers';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
const WEB = `${testbed.project}-web-1`;
const SIDEKIQ = `${testbed.project}-sidekiq-1`;
const OTHER_WEB = `${testbed.otherProject}-web-1`;
const FOLDER = '/opt/mastodon/public/system';
const GRACE_MS = 300;

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

const asRoot = (...argv: string[]) => docker('exec', '-u', '0', WEB, ...argv);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function useConfig(project: string): void {
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: project } }));
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** One viewer: every message it got, its lines in order, and the latest follow state. */
function viewer() {
  const messages: LogsMessage[] = [];
  const lines: LogLine[] = [];
  let follow: LogFollowState | undefined;
  const send = (message: LogsMessage) => {
    messages.push(message);
    if (message.type !== 'follow') lines.push(...message.lines);
    if (message.type !== 'lines') follow = message.follow;
  };
  return {
    send,
    messages,
    lines,
    follow: () => follow,
    followState: (state: LogFollowState['state'], timeoutMs?: number) =>
      until(`follow state ${state}`, () => (follow?.state === state ? follow : undefined), timeoutMs),
    line: (text: string, timeoutMs?: number) =>
      until(`a line with ${text}`, () => lines.find((l) => l.text.includes(text)), timeoutMs),
  };
}

function logTo(container: string, fd: 1 | 2, text: string): Promise<string> {
  return docker('exec', container, 'sh', '-c', `echo '${text}' > /proc/1/fd/${fd}`);
}

// The stand-in logs Errno::EACCES while uid 991 cannot write the media folder, which is the test bed's
// state (root:root 755). Another test may have fixed it; then it is made unwritable for this file and put back.
let restoreMedia: (() => Promise<void>) | undefined;

beforeAll(async () => {
  useConfig(testbed.project);
  const writable = await docker('exec', '-u', '991:991', WEB, 'sh', '-c', `test -w ${FOLDER} && echo yes || echo no`);
  if (writable === 'yes') {
    const [owner = '0:0', mode = '755'] = (await asRoot('stat', '-c', '%u:%g %a', FOLDER)).split(' ');
    await asRoot('chown', '0:0', '--', FOLDER);
    await asRoot('chmod', '755', '--', FOLDER);
    restoreMedia = async () => {
      await asRoot('chown', owner, '--', FOLDER);
      await asRoot('chmod', mode, '--', FOLDER);
    };
  }
});

afterAll(async () => {
  try {
    await restoreMedia?.();
  } finally {
    setConfigForTesting(undefined);
  }
});

describe('recentLogLines against the test bed', () => {
  it('returns the web stand-in’s last lines, its Errno::EACCES recognised and the fix offered', async () => {
    // The stand-in writes the error every 4 s.
    const logs = await until(
      'an Errno::EACCES line in the tail',
      async () => {
        const result = await recentLogLines(WEB, { tail: 100 });
        return result.lines.some((l) => l.text.includes('Errno::EACCES')) ? result : undefined;
      },
      15_000,
    );
    expect(logs.container).toMatchObject({ name: WEB, service: 'web', state: 'running' });
    expect(logs.tail).toBe(100);
    expect(logs.truncated).toBe(false);
    expect(logs.lines.length).toBeGreaterThan(10);
    expect(logs.lines.length).toBeLessThanOrEqual(100);
    for (const line of logs.lines) {
      expect(line.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(line.at).toBe(`${line.ts.slice(0, 23)}Z`);
      expect(line.text).not.toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(Date.now() - Date.parse(logs.lines.at(-1)!.at)).toBeLessThan(30_000);
    expect(logs.lines.some((l) => l.text.includes('path=/health') && l.stream === 'stdout')).toBe(true);
    const eacces = logs.lines.filter((l) => recogniseLine(l.text)?.id === 'media-eacces');
    expect(eacces.length).toBeGreaterThanOrEqual(2);
    expect(eacces[0]?.text).toMatch(
      /Errno::EACCES.*Permission denied @ dir_s_mkdir - \/opt\/mastodon\/public\/system\/accounts/,
    );
    const finding = summariseFindings(logs.lines).find((f) => f.id === 'media-eacces');
    expect(finding).toMatchObject({ severity: 'error', fix: { href: '/media' } });
    expect(inEnglish(finding!.fix!.label)).toBe('Fix media permissions');
  });

  it('takes the container’s id as well, and returns exactly `tail` lines', async () => {
    const started = performance.now();
    const full = await recentLogLines(WEB, { tail: 200 });
    console.info(
      `[logs test] recentLogLines(tail 200): ${full.lines.length} lines in ` +
        `${Math.round(performance.now() - started)} ms`,
    );
    const byName = await recentLogLines(WEB, { tail: 5 });
    const byId = await recentLogLines(byName.container.id, { tail: 5 });
    expect(byId.container.name).toBe(WEB);
    expect(byName.lines).toHaveLength(5);
    expect(byId.lines).toHaveLength(5);
  });

  it('keeps stdout and stderr apart', async () => {
    const marker = `logs-test-stderr-${process.pid}-${Date.now()}`;
    await logTo(WEB, 2, marker);
    const line = await until('the stderr marker', async () =>
      (await recentLogLines(WEB, { tail: 20 })).lines.find((l) => l.text === marker),
    );
    expect(line.stream).toBe('stderr');
  });

  it('caps the bytes it returns, keeping the newest lines', async () => {
    const logs = await recentLogLines(WEB, { tail: 100, maxBytes: 600 });
    expect(logs.truncated).toBe(true);
    expect(logs.lines.reduce((sum, l) => sum + Buffer.byteLength(l.text) + 1, 0)).toBeLessThanOrEqual(600);
    expect(logs.lines.length).toBeGreaterThan(0);
  });

  it('refuses a container of another project, and one that does not exist', async () => {
    await expect(docker('inspect', '-f', '{{.State.Running}}', OTHER_WEB)).resolves.toBe('true');
    await expect(recentLogLines(OTHER_WEB)).rejects.toMatchObject({ code: 'not_found' });
    await expect(recentLogLines('no-such-container')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('compares the booted Sidekiq with the sidekiq health check (4.3: both 6, so no stale-check finding)', async () => {
    const logs = await loadContainerLogs(SIDEKIQ, { tail: 200 });
    expect(logs.container.service).toBe('sidekiq');
    expect(logs.sidekiqHealthcheck).toEqual({ grep: '[s]idekiq\\ 6', major: 6 });
    expect(logs.findings.map((f) => f.id)).toEqual(['sidekiq-booting']);
  });
});

describe('the live follow', () => {
  it('refuses a name outside the project, or not a name, and follows nothing', async () => {
    const cases: [unknown, string][] = [
      [OTHER_WEB, 'not_found'],
      ['../../etc/passwd', 'invalid_input'],
      [null, 'invalid_input'],
      ['-v', 'invalid_input'],
    ];
    for (const [ref, code] of cases) {
      const v = viewer();
      const unsubscribe = followContainerLogs(ref, v.send, { graceMs: GRACE_MS });
      const follow = await v.followState('refused');
      expect(follow.state === 'refused' && follow.error.code).toBe(code);
      unsubscribe();
    }
    expect(activeLogFollows()).toEqual([]);
    expect(openLogStreamCount()).toBe(0);
  });

  it('delivers a new line; two viewers share one Docker stream, closed after the last leaves', async () => {
    const a = viewer();
    const subscribedAt = new Date().toISOString();
    const leaveA = followContainerLogs(WEB, a.send, { graceMs: GRACE_MS });
    await a.followState('following');
    expect(openLogStreamCount()).toBe(1);
    expect(activeLogFollows()).toMatchObject([
      { name: WEB, listeners: 1, running: true, stats: { attaches: 1, open: 1 } },
    ]);
    // It starts with the log's tail, so lines from just before the page opened are not lost.
    await until('the tail', () => a.lines.length >= 10);
    expect(a.lines.some((l) => l.at < subscribedAt)).toBe(true);

    const marker = `logs-test-marker-${process.pid}-${Date.now()}`;
    const written = Date.now();
    await logTo(WEB, 1, marker);
    const received = await a.line(marker, 5_000);
    const latencyMs = Date.now() - written;
    console.info(
      `[logs test] a line written with docker exec reached the follow ${latencyMs} ms later (exec included)`,
    );
    expect(received.stream).toBe('stdout');

    // A second viewer joins the same follow: the recent lines at once, and no second Docker stream.
    const b = viewer();
    const leaveB = followContainerLogs(WEB, b.send, { graceMs: GRACE_MS });
    await b.line(marker, 5_000);
    expect(b.messages[0]).toMatchObject({ type: 'snapshot', follow: { state: 'following' } });
    expect(openLogStreamCount()).toBe(1);
    expect(activeLogFollows()).toMatchObject([{ name: WEB, listeners: 2, stats: { attaches: 1, open: 1 } }]);

    const second = `logs-test-second-${process.pid}-${Date.now()}`;
    await logTo(WEB, 2, second);
    expect((await a.line(second, 5_000)).stream).toBe('stderr');
    await b.line(second, 5_000);

    // Each viewer got every line once, in time order.
    for (const v of [a, b]) {
      const tss = v.lines.map((l) => `${l.ts}|${l.stream}|${l.text}`);
      expect(new Set(tss).size).toBe(tss.length);
      expect(v.lines.map((l) => l.ts)).toEqual([...v.lines.map((l) => l.ts)].sort());
    }

    leaveA();
    leaveB();
    // Within the grace period the stream stays (a reload does not churn it)…
    await sleep(GRACE_MS / 3);
    expect(openLogStreamCount()).toBe(1);
    // …then it is destroyed and the topic leaves the map.
    await until('the stream to close', () => openLogStreamCount() === 0, GRACE_MS + 3_000);
    expect(activeLogFollows()).toEqual([]);
    const countAfterLeaving = b.lines.length;
    await logTo(WEB, 1, `logs-test-after-${process.pid}`);
    await sleep(500);
    expect(b.lines.length).toBe(countAfterLeaving);
  });
});

describe('a follow across a stop, start and restart (a container of its own)', () => {
  const project = `mdlogs${process.pid}`;
  const TICKER = `${project}-ticker-1`;

  beforeAll(async () => {
    // The follow waits for "running again" on the containers topic, whose source reads the project when it connects.
    await until('the containers topic to stop', () => !liveTopics().containers.isRunning, 15_000);
    useConfig(project);
    await docker('rm', '-f', TICKER).catch(() => '');
    await docker(
      'run',
      '-d',
      '--name',
      TICKER,
      '--network',
      'none',
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      'com.docker.compose.service=ticker',
      '--label',
      'com.docker.compose.container-number=1',
      '--entrypoint',
      'sh',
      'ghcr.io/mastodon/mastodon:v4.3.17',
      '-c',
      'trap "exit 0" TERM; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2 & wait $!; done',
    );
  });

  afterAll(async () => {
    await docker('rm', '-f', TICKER).catch(() => '');
    useConfig(testbed.project);
  });

  it('says "stopped" when stopped, then continues after start and restart, losing or repeating no line', async () => {
    const v = viewer();
    const leave = followContainerLogs(TICKER, v.send, { graceMs: GRACE_MS });
    try {
      await v.followState('following');
      await v.line('tick 3');

      await docker('stop', '-t', '2', TICKER);
      const stopped = await v.followState('stopped');
      expect(stopped.state === 'stopped' && inEnglish(stopped.detail)).toBe(
        `${TICKER} is exited; following resumes when it runs again.`,
      );
      expect(stopped.state === 'stopped' && renderText(translatorFor('de'), stopped.detail)).toBe(
        `${TICKER} läuft nicht (exited); die Verfolgung geht weiter, sobald er wieder läuft.`,
      );
      const beforeStart = v.lines.length;

      await docker('start', TICKER);
      await v.followState('following');
      await until('tick 0 of the second run', () => v.lines.slice(beforeStart).find((l) => l.text === 'tick 0'));
      await until('tick 2 of the second run', () => v.lines.slice(beforeStart).find((l) => l.text === 'tick 2'));

      const beforeRestart = v.lines.length;
      await docker('restart', '-t', '2', TICKER);
      await until(
        'tick 2 of the third run',
        () => v.lines.slice(beforeRestart).find((l) => l.text === 'tick 2'),
        15_000,
      );

      const texts = v.lines.map((l) => l.text);
      expect(texts.filter((t) => t === 'tick 0')).toHaveLength(3);
      expect(texts.filter((t) => t === 'tick 1')).toHaveLength(3);
      const tss = v.lines.map((l) => l.ts);
      expect(new Set(tss).size).toBe(tss.length);
      expect(tss).toEqual([...tss].sort());
      // One Docker stream per run; never two at once.
      const [follow] = activeLogFollows();
      expect(follow?.stats.attaches).toBeGreaterThanOrEqual(3);
      expect(follow?.stats.open).toBe(1);
      expect(openLogStreamCount()).toBe(1);
    } finally {
      leave();
    }
    await until('the stream to close', () => openLogStreamCount() === 0, GRACE_MS + 3_000);
  }, 60_000);
});
