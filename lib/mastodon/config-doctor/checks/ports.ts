/** Published ports: none for db and redis, loopback only for the rest. */
import type { ComposePort } from '../../compose-file';
import type { DoctorCheck, DoctorContext } from '../check';
import { isBackend } from '../compose-view';
import type { Finding } from '../types';
import { plural } from '../words';

function isEveryInterface(port: ComposePort): boolean {
  return (
    port.hostIp === undefined ||
    port.hostIp === '' ||
    port.hostIp === '0.0.0.0' ||
    port.hostIp === '::' ||
    port.hostIp === '[::]'
  );
}

function describePort(port: ComposePort): string {
  const published = port.published ?? 'a random port';
  return `${published}→${port.target}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}

function portFindings(ctx: DoctorContext): Finding[] {
  if (!ctx.compose) return [];
  const findings: Finding[] = [];
  let published = 0;
  for (const service of ctx.compose.services) {
    if (service.ports.length === 0) continue;
    published += service.ports.length;
    const backendKind = isBackend('db', service) ? 'db' : isBackend('redis', service) ? 'redis' : undefined;
    if (backendKind) {
      const open = service.ports.filter(isEveryInterface);
      findings.push({
        id: 'port-backend-published',
        severity: 'error',
        service: service.name,
        title:
          `${service.name} publishes ${plural(service.ports.length, 'port')}` +
          `${open.length > 0 ? ' on every interface' : ''}`,
        why:
          `${service.name} should live only on internal_network and publish nothing; ` +
          `the web and sidekiq containers reach it by service name. ${
            backendKind === 'db'
              ? 'The stock Postgres uses trust authentication: anyone who reaches the port is in without a password.'
              : 'Redis holds sessions, caches and Sidekiq jobs, and the stock one has no password.'
          }${
            open.length > 0
              ? ' Bound to every interface, it is reachable from the internet unless a firewall stops it (and host ' +
                'firewalls such as ufw usually do not filter Docker-published ports).'
              : ''
          }`,
        fix:
          `Remove the ports: section of ${service.name} in ${ctx.composeName}, then run docker compose up -d ` +
          `${service.name}.`,
      });
      continue;
    }
    const open = service.ports.filter(isEveryInterface);
    if (open.length > 0) {
      findings.push({
        id: 'port-public',
        severity: 'warning',
        service: service.name,
        title: `${service.name} publishes ${open.map(describePort).join(', ')} on every interface`,
        why:
          `Without a host address (or with 0.0.0.0) Docker listens on all interfaces, so ${service.name} is ` +
          `reachable from outside without the reverse proxy and TLS in front. Host firewalls such as ufw ` +
          `usually do not filter Docker-published ports.`,
        fix:
          'Bind it to loopback, as the official file does: ' +
          `"127.0.0.1:${open[0]?.published ?? open[0]?.target}:${open[0]?.target}".`,
      });
    }
  }
  if (findings.length === 0) {
    findings.push({
      id: 'ports-ok',
      severity: 'ok',
      title: published === 0 ? 'No ports are published' : 'Published ports are bound to loopback',
      why:
        published === 0
          ? 'Nothing in the compose file listens outside Docker.'
          : 'Only the server itself (and the reverse proxy on it) can reach them; db and redis publish nothing.',
    });
  }
  return findings;
}

export const portsCheck: DoctorCheck = { name: 'ports', run: portFindings };
