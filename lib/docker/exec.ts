import 'server-only';

import type { Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

import type { Exec } from 'dockerode';

import { getConfig } from '../config';
import { AppError, type ErrorText } from '../errors';
import { text } from '../i18n/text';
import { dockerCalls } from './client';
import { dockerUnavailable } from './errors';
import { execCommandRefusal, execCreateBody, type ExecArgv } from './exec-programs';
import { DockerFrameReader } from './log-decoder';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when output beyond maxOutputBytes was dropped. */
  truncated: boolean;
}

export interface ExecOptions {
  /** '0' (root) or a numeric 'uid:gid', for the programs exec-programs.ts lets run so; default: the image's user. */
  user?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Called with stdout as it arrives (whole UTF-8 characters, however the frames fall), for progress. */
  onStdout?: (chunk: string) => void;
  /** What the command is waiting for, for the timeout message. */
  waitingFor?: ErrorText;
}

/**
 * Runs a command in a container through Docker exec. Always an argv array of a program listed in
 * exec-programs.ts: nothing is ever parsed by a shell, and the caller's validation keeps user values from
 * starting with '-'. A command the socket proxy would refuse is refused here first, with the same reason.
 */
/** Creates the exec after the same check the socket proxy makes, and starts it with its output hijacked. */
async function startExec(
  containerId: string,
  argv: ExecArgv,
  user: string | undefined,
  withStdin: boolean,
): Promise<{ exec: Exec; stream: Duplex }> {
  const refusal = execCommandRefusal(argv, user);
  if (refusal !== undefined)
    throw new AppError(
      'invalid_input',
      text('containers.errors.commandRefused.title'),
      text('containers.errors.commandRefused.detail', { program: argv[0], refusal }),
    );
  let exec;
  try {
    exec = await dockerCalls().getContainer(containerId).exec(execCreateBody(argv, user));
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 409) {
      throw new AppError(
        'conflict',
        text('containers.errors.notRunning.title'),
        text('containers.errors.notRunning.detail'),
      );
    }
    throw dockerUnavailable(error, getConfig().docker);
  }
  const stream = (await exec.start({ hijack: true, stdin: withStdin })) as Duplex;
  return { exec, stream };
}

/** Waits for `work`; past the timeout it cuts the exec's stream and fails with what it was waiting for. */
async function finishWithin(
  work: Promise<unknown>,
  stream: Duplex,
  limit: { program: string; timeoutMs: number; waitingFor: ErrorText },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stream.destroy();
          reject(
            new AppError(
              'timeout',
              text('containers.errors.execTimeout.title', { program: limit.program }),
              text('containers.errors.execTimeout.detail', {
                seconds: Math.round(limit.timeoutMs / 1000),
                waitingFor: limit.waitingFor,
              }),
            ),
          );
        }, limit.timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function execInContainer(
  containerId: string,
  argv: ExecArgv,
  options: ExecOptions = {},
): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024;
  const { exec, stream } = await startExec(containerId, argv, options.user, false);
  // The exec has no TTY (execCreateBody), so its output arrives in Docker's frames.
  const frames = new DockerFrameReader(false);
  const progressText = new StringDecoder('utf8');
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  stream.on('data', (chunk: Buffer) => {
    for (const { stream: name, payload } of frames.push(chunk)) {
      if (name === 'stdout' && options.onStdout) options.onStdout(progressText.write(payload));
      if (bytes + payload.length > maxOutputBytes) {
        truncated = true;
        continue;
      }
      bytes += payload.length;
      (name === 'stdout' ? out : err).push(payload);
    }
  });

  const waitingFor =
    options.waitingFor ?? text('containers.errors.execTimeout.toFinish', { command: argv.slice(0, 3).join(' ') });
  await finishWithin(
    new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', reject);
    }),
    stream,
    { program: argv[0], timeoutMs, waitingFor },
  );
  // Inspecting before the stream has ended reports Running: true and no exit code.
  const { ExitCode } = await exec.inspect();
  return {
    exitCode: ExitCode ?? -1,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    truncated,
  };
}

export interface StreamingExecOptions {
  /** Where stdout goes, with backpressure: Docker's output waits while it is full. */
  stdout: Writable;
  /** What the program reads on stdin (only programs exec-programs.ts lets take it); closed at its end. */
  stdin?: Readable;
  /** The longest the whole run may take. */
  timeoutMs: number;
  /** stderr kept for the result (the end of it, when longer). */
  maxStderrBytes?: number;
}

/**
 * Runs a command whose output is data, not text: a backup's pg_dump into its file, pg_restore fed from one.
 * stdout is written to `options.stdout` as it arrives, pausing Docker's stream while the writer is full, so a
 * dump of any size passes through a fixed amount of memory.
 */
export async function execStreaming(
  containerId: string,
  argv: ExecArgv,
  options: StreamingExecOptions,
): Promise<{ exitCode: number; stderr: string }> {
  const { exec, stream } = await startExec(containerId, argv, undefined, options.stdin !== undefined);
  const frames = new DockerFrameReader(false);
  const maxStderrBytes = options.maxStderrBytes ?? 64 * 1024;
  let stderr = Buffer.alloc(0);
  const output = (async () => {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const { stream: name, payload } of frames.push(chunk)) {
        if (name === 'stdout') {
          if (!options.stdout.write(payload)) {
            await new Promise<void>((resolve, reject) => {
              options.stdout.once('drain', resolve);
              options.stdout.once('error', reject);
            });
          }
        } else {
          stderr = Buffer.concat([stderr, payload]).subarray(-maxStderrBytes);
        }
      }
    }
  })();
  // The write side ends with stdin (a half-close), which is how the program sees its end of input.
  const input = options.stdin ? pipeline(options.stdin, stream, { end: true }) : Promise.resolve();
  await finishWithin(Promise.all([output, input]), stream, {
    program: argv[0],
    timeoutMs: options.timeoutMs,
    waitingFor: text('containers.errors.execTimeout.toFinish', { command: argv[0] }),
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, stderr: stderr.toString('utf8') };
}
