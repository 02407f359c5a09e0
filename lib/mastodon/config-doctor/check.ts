/**
 * What a check is and what it is given. Like Mastodon's Admin::SystemCheck (mastodon/mastodon v4.3.0
 * app/lib/admin/system_check.rb and system_check/base_check.rb): each check is one file in checks/, may skip
 * itself, and the registry in index.ts runs them in order.
 */
import { text, type Text } from '@/lib/i18n/text';

import type { ComposeFile, ComposeService } from '../compose-file';
import type { MastodonVersion } from '../version';
import { SEVERITY_ORDER, type DoctorInput, type Finding } from './types';

export interface DoctorContext {
  input: DoctorInput;
  /** What Mastodon sees: the env file, overridden by `environment:` of the app service. */
  env: ReadonlyMap<string, string>;
  /** Whether the env file was read; the checks of its keys skip when it was not. */
  envRead: boolean;
  /** Keys whose effective value comes from the app service's `environment:` in the compose file. */
  fromCompose: ReadonlySet<string>;
  compose?: ComposeFile;
  composeName: string;
  envName: string;
  app?: ComposeService;
  /** The running version (else the compose file's). */
  version?: MastodonVersion;
  /** The version the compose file names, which the next `docker compose up -d` starts. */
  upcoming?: MastodonVersion;
}

export interface DoctorCheck {
  /** A short name, for reading the registry and for tests. */
  name: string;
  /** Whether there is nothing to check (Admin::SystemCheck::BaseCheck#skip?). */
  skip?: (ctx: DoctorContext) => boolean;
  run: (ctx: DoctorContext) => readonly Finding[];
}

/** For the checks of the env file's keys. */
export function envUnread(ctx: DoctorContext): boolean {
  return !ctx.envRead;
}

export function where(ctx: DoctorContext, key: string): Text | string {
  return ctx.fromCompose.has(key)
    ? text('doctor.where.compose', { service: ctx.app?.name ?? 'web', file: ctx.composeName })
    : ctx.envName;
}

export function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

export type VersionedCheck = (version: MastodonVersion | undefined) => Finding | undefined;

/**
 * Runs a version-dependent check for the running version and, when the compose file names another one, for that too;
 * the worse result wins.
 */
export function versioned(
  check: VersionedCheck,
  running: MastodonVersion | undefined,
  upcoming: MastodonVersion | undefined,
): Finding | undefined {
  const now = check(running);
  if (!upcoming || !running || upcoming.text === running.text) return now;
  const next = check(upcoming);
  if (!next || (now && SEVERITY_ORDER.indexOf(now.severity) <= SEVERITY_ORDER.indexOf(next.severity))) return now;
  return {
    ...next,
    title: text('doctor.versioned.title', { title: next.title, upcoming: upcoming.text }),
    why: text('doctor.versioned.why', { why: next.why, running: running.text, upcoming: upcoming.text }),
  };
}
