/** db and redis only on internal networks, as the official compose file keeps them. */
import { text } from '@/lib/i18n/text';

import type { DoctorCheck, DoctorContext } from '../check';
import { isBackend } from '../compose-view';
import type { Finding } from '../types';
import { andList } from '../words';

function backendNetworkFindings(ctx: DoctorContext): Finding[] {
  if (!ctx.compose) return [];
  const findings: Finding[] = [];
  let checked = 0;
  for (const service of ctx.compose.services.filter(
    (candidate) => isBackend('db', candidate) || isBackend('redis', candidate),
  )) {
    if (service.networkMode !== undefined) continue;
    checked++;
    const open = service.networks.filter(
      (name) => !ctx.compose?.networks.find((network) => network.name === name)?.internal,
    );
    if (open.length > 0) {
      findings.push({
        id: 'backend-network-open',
        severity: 'info',
        service: service.name,
        title: text('doctor.networks.open.title', { service: service.name }),
        why: text('doctor.networks.open.why', { service: service.name, networks: andList(open) }),
        fix: text('doctor.networks.open.fix', { service: service.name }),
      });
    }
  }
  if (checked > 0 && findings.length === 0) {
    findings.push({
      id: 'backend-networks-internal',
      severity: 'ok',
      title: text('doctor.networks.internal.title'),
      why: text('doctor.networks.internal.why'),
    });
  }
  return findings;
}

export const backendNetworksCheck: DoctorCheck = { name: 'backend-networks', run: backendNetworkFindings };
