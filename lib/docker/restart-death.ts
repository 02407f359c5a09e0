import type { DockerEvent } from './events';

/** Docker's exit code for SIGKILL, which is also how the kernel's OOM killer ends a process. */
const SIGKILL_EXIT_CODE = 137;
/** How long a SIGKILL death waits for the "oom" event that may follow its "die". */
export const OOM_EVENT_GRACE_MS = 1_000;

export interface Death {
  exitCode: number | undefined;
  oom: boolean;
}

export interface DeathJudge {
  onEvent: (event: DockerEvent) => void;
  /** Docker confirmed the restart (its API call returned). */
  restarted: () => void;
}

/**
 * Judges one container's own Docker events during a restart and reports the first time it dies after
 * the restart started it. A restart's own stop also ends in "die", so only a die that follows the
 * restart's "start" counts; "kill" (the restart stopping it) forgets what came before, and a die is only
 * judged once Docker confirmed the restart (its "restart" event, or the API call returning).
 */
export function judgeDeaths(containerId: string, onDeath: (death: Death) => void): DeathJudge {
  let startSeen = false;
  let oomSinceStart = false;
  let confirmed = false;
  let pending: Death | undefined;
  let reported = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const report = (death: Death) => {
    if (reported) return;
    reported = true;
    clearTimeout(graceTimer);
    onDeath(death);
  };
  // Docker's "oom" event can arrive just after the "die" it caused, so a SIGKILL (137) without one waits a
  // moment for it: otherwise an OOM kill would be reported as "OOMKilled: no".
  const settle = (death: Death) => {
    if (reported || graceTimer) return;
    if (death.oom || death.exitCode !== SIGKILL_EXIT_CODE) report(death);
    else graceTimer = setTimeout(() => report(death), OOM_EVENT_GRACE_MS);
  };
  const onEvent = (event: DockerEvent) => {
    if (event.Actor.ID !== containerId) return;
    switch (event.Action) {
      case 'kill':
        if (!confirmed) {
          startSeen = false;
          pending = undefined;
        }
        break;
      case 'start':
        startSeen = true;
        oomSinceStart = false;
        break;
      case 'oom':
        oomSinceStart = true;
        if (pending) {
          pending.oom = true;
          if (graceTimer) report(pending);
        }
        break;
      case 'restart':
        confirmed = true;
        break;
      case 'die': {
        if (!startSeen) break;
        const code = Number(event.Actor.Attributes?.exitCode);
        pending = { exitCode: Number.isFinite(code) ? code : undefined, oom: oomSinceStart };
        break;
      }
    }
    if (confirmed && pending) settle(pending);
  };
  return {
    onEvent,
    restarted: () => {
      confirmed = true;
      if (pending) settle(pending);
    },
  };
}
