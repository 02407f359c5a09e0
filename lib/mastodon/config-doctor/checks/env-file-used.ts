/** Whether web and sidekiq read the env file (env_file: in the compose file). */
import { text } from '@/lib/i18n/text';

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
        title: text('doctor.envFileUsed.title', { service: name, envFile: ctx.envName }),
        why: text('doctor.envFileUsed.why', {
          service: name,
          composeFile: ctx.composeName,
          none: service.envFiles.length === 0 ? 'yes' : 'no',
        }),
        fix: text('doctor.envFileUsed.fix', { service: name, envFile: ctx.envName }),
      });
    }
  }
  return findings;
}

export const envFileUsedCheck: DoctorCheck = { name: 'env-file-used', skip: envUnread, run: envFileUsed };
