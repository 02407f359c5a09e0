/** db and redis only on internal networks, as the official compose file keeps them. */
import type { DoctorCheck, DoctorContext } from '../check';
import { isBackend } from '../compose-view';
import type { Finding } from '../types';
import { list } from '../words';

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
        title: `${service.name} is on a network with outside access`,
        why:
          `${service.name} joins ${list(open)}, which is not internal: true. The official file keeps db and ` +
          `redis only on internal_network, which has no route out.`,
        fix: `Under networks: of ${service.name}, list only internal_network (declared with internal: true).`,
      });
    }
  }
  if (checked > 0 && findings.length === 0) {
    findings.push({
      id: 'backend-networks-internal',
      severity: 'ok',
      title: 'db and redis are only on internal networks',
      why: 'Their networks are declared internal: true, as in the official file.',
    });
  }
  return findings;
}

export const backendNetworksCheck: DoctorCheck = { name: 'backend-networks', run: backendNetworkFindings };
