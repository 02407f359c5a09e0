/** Whether the compose file was read, and the override files Compose would merge in that the doctor does not read. */
import type { DoctorCheck, DoctorContext } from '../check';
import type { Finding } from '../types';

function composeFileFindings(ctx: DoctorContext): Finding[] {
  const { composeProblem, overrideFiles = [] } = ctx.input;
  const findings: Finding[] = [];
  if (composeProblem) {
    findings.push(
      composeProblem.kind === 'invalid'
        ? {
            id: 'compose-invalid',
            severity: 'warning',
            title: `${ctx.composeName} could not be read`,
            why:
              `${composeProblem.detail}. The checks that compare the env file with the compose services were ` +
              `skipped.`,
            fix: `Run "docker compose config -q" in the Mastodon directory to see whether Compose accepts the file.`,
          }
        : {
            id: 'compose-missing',
            severity: 'info',
            title: 'No compose file was read',
            why: `${composeProblem.detail}. Health checks, ports, networks and service names were not checked.`,
          },
    );
  }
  for (const file of overrideFiles) {
    findings.push({
      id: 'compose-override',
      severity: 'info',
      title: `${file} is not checked`,
      why:
        `Compose merges ${file} over ${ctx.composeName}; the doctor reads only ${ctx.composeName}, so a setting ` +
        `changed there is not reflected here.`,
    });
  }
  return findings;
}

export const composeFileCheck: DoctorCheck = { name: 'compose-file', run: composeFileFindings };
