/** Whether web and sidekiq read the env file (env_file: in the compose file). */
import { envUnread, type DoctorCheck, type DoctorContext } from '../check';
import { APP_SERVICES, serviceNamed } from '../compose-view';
import type { Finding } from '../types';

function envFileUsed(ctx: DoctorContext): Finding[] {
  const findings: Finding[] = [];
  for (const name of APP_SERVICES) {
    const service = serviceNamed(ctx.compose, name);
    if (!service) continue;
    const uses = service.envFiles.some((file) => file.replace(/^\.\//, '') === ctx.envName);
    if (!uses) {
      findings.push({
        id: 'env-file-not-used',
        severity: 'error',
        service: name,
        title: `${name} does not read ${ctx.envName}`,
        why:
          `${name} in ${ctx.composeName} has ` +
          `${service.envFiles.length === 0 ? 'no env_file:' : 'env_file: naming other files'}, ` +
          `so the settings checked here do not reach it.`,
        fix: `Add "env_file: ${ctx.envName}" to ${name}, as the official file does.`,
      });
    }
  }
  return findings;
}

export const envFileUsedCheck: DoctorCheck = { name: 'env-file-used', skip: envUnread, run: envFileUsed };
